using System.Text;
using Microsoft.Extensions.Options;

namespace MultiStore.Api.Auth;

/// <summary>How bearer tokens are signed and checked (configuration section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The HS256 key, at least 32 bytes of UTF-8. The value in appsettings.json is for development only.</summary>
    public string SigningKey { get; set; } = string.Empty;

    /// <summary>The <c>iss</c> every token carries and the API demands.</summary>
    public string Issuer { get; set; } = "multistore";

    /// <summary>The <c>aud</c> every token carries and the API demands.</summary>
    public string Audience { get; set; } = "multistore";

    /// <summary>Tolerance for clocks that disagree when checking <c>nbf</c>/<c>exp</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The smallest key HS256 accepts without weakening the signature.</summary>
    public const int MinimumKeyBytes = 32;
}

/// <summary>Refuses to start with settings that would make tokens forgeable or unverifiable, naming the bad key.</summary>
public sealed class AuthOptionsValidator : IValidateOptions<AuthOptions>
{
    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (Encoding.UTF8.GetByteCount(options.SigningKey ?? string.Empty) < AuthOptions.MinimumKeyBytes)
        {
            failures.Add($"{AuthOptions.SectionName}:{nameof(AuthOptions.SigningKey)} must be at least {AuthOptions.MinimumKeyBytes} bytes.");
        }

        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add($"{AuthOptions.SectionName}:{nameof(AuthOptions.Issuer)} must not be empty.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add($"{AuthOptions.SectionName}:{nameof(AuthOptions.Audience)} must not be empty.");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            failures.Add($"{AuthOptions.SectionName}:{nameof(AuthOptions.ClockSkew)} must be between 00:00:00 and 00:05:00.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
