using Microsoft.Extensions.Options;

namespace MultiStore.Api.Tenancy;

/// <summary>How hosts are resolved to stores (configuration section <c>Tenancy</c>).</summary>
public sealed class TenancyOptions
{
    public const string SectionName = "Tenancy";

    /// <summary>
    /// How long this process reuses a host's resolution. Suspending or resuming a store through this process clears
    /// its hosts at once, even when the call fails (it may have changed the store first); other API processes notice
    /// within this time.
    /// </summary>
    public TimeSpan HostCacheTtl { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Most entries kept at once: a served store takes one per host name plus one for its status, so the default
    /// covers 10,000 stores of one domain each.
    /// </summary>
    public int HostCacheSize { get; set; } = 20_000;
}

public sealed class TenancyOptionsValidator : IValidateOptions<TenancyOptions>
{
    public ValidateOptionsResult Validate(string? name, TenancyOptions options)
    {
        var failures = new List<string>();
        if (options.HostCacheTtl < TimeSpan.Zero || options.HostCacheTtl > TimeSpan.FromMinutes(1))
        {
            failures.Add($"{TenancyOptions.SectionName}:{nameof(TenancyOptions.HostCacheTtl)} must be between 00:00:00 and 00:01:00.");
        }

        if (options.HostCacheSize < 1)
        {
            failures.Add($"{TenancyOptions.SectionName}:{nameof(TenancyOptions.HostCacheSize)} must be at least 1.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
