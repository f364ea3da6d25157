using Microsoft.Extensions.Options;

namespace MultiStore.Grains.Hosting;

/// <summary>How stores' webhooks are called (configuration section <c>Webhooks</c>).</summary>
public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>The name of the <see cref="System.Net.Http.HttpClient"/> deliveries use (IHttpClientFactory).</summary>
    public const string HttpClientName = "multistore-webhooks";

    /// <summary>Wait before the second attempt; each later wait doubles, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts per alert, the first included; then the delivery is marked failed.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>How often an alerts grain with pending deliveries looks for due ones (a reminder covers inactive ones).</summary>
    public TimeSpan DeliveryTick { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long one call may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// False (the default): webhooks never reach loopback, private, link-local or other non-public addresses, whatever
    /// the URL's host name resolves to, so a store cannot aim the platform at its internal network. Only tests and a
    /// developer's own receiver on this machine set it.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>The wait after the <paramref name="attempts"/>-th failed attempt.</summary>
    public TimeSpan BackoffAfter(int attempts)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 30));
        var wait = TimeSpan.FromTicks((long)Math.Min(InitialBackoff.Ticks * factor, MaxBackoff.Ticks));
        return wait < MaxBackoff ? wait : MaxBackoff;
    }
}

/// <summary>Refuses webhook settings that cannot work, naming the key to fix.</summary>
public sealed class WebhookOptionsValidator : IValidateOptions<WebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, WebhookOptions options)
    {
        var failures = new List<string>();
        Positive(nameof(WebhookOptions.InitialBackoff), options.InitialBackoff);
        Positive(nameof(WebhookOptions.MaxBackoff), options.MaxBackoff);
        Positive(nameof(WebhookOptions.DeliveryTick), options.DeliveryTick);
        Positive(nameof(WebhookOptions.Timeout), options.Timeout);
        if (options.MaxBackoff < options.InitialBackoff)
        {
            failures.Add($"{WebhookOptions.SectionName}:{nameof(WebhookOptions.MaxBackoff)} must not be below {nameof(WebhookOptions.InitialBackoff)}.");
        }

        if (options.MaxAttempts is < 1 or > 50)
        {
            failures.Add($"{WebhookOptions.SectionName}:{nameof(WebhookOptions.MaxAttempts)} must be 1 to 50, not {options.MaxAttempts}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Positive(string key, TimeSpan value)
        {
            if (value <= TimeSpan.Zero)
            {
                failures.Add($"{WebhookOptions.SectionName}:{key} must be positive, not {value}.");
            }
        }
    }
}
