using System.Text;
using Microsoft.Extensions.Options;
using MultiStore.Api.Hosting;

namespace MultiStore.Api.Auth;

/// <summary>
/// How bearer tokens are checked (configuration section <c>Auth</c>). Two modes:
/// <list type="bullet">
/// <item><b>Development</b> (no <see cref="Authority"/>): HS256 tokens signed with <see cref="SigningKey"/>, as the
/// <c>token</c> command issues them.</item>
/// <item><b>Identity provider</b> (<see cref="Authority"/> set): tokens from an OpenID Connect provider, verified with
/// the keys its metadata publishes (asymmetric algorithms only); the signing key is neither needed nor trusted.</item>
/// </list>
/// In both, every token must be signed, unexpired, already valid, and carry the expected issuer and audience.
/// </summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>
    /// The key appsettings.json ships with. It is public, so anyone can sign tokens with it: the Api accepts it only
    /// where that harms no one (see <see cref="AuthOptionsValidator"/>).
    /// </summary>
    public const string PublicDevelopmentKey = "dev-only-multistore-signing-key-change-me-0123456789";

    /// <summary>The HS256 key of development mode, at least 32 bytes of UTF-8. The value in appsettings.json is for development only.</summary>
    public string SigningKey { get; set; } = string.Empty;

    /// <summary>
    /// Accept <see cref="PublicDevelopmentKey"/> outside the Development environment: for local demo clusters only
    /// (<c>scripts/cluster-up.sh</c>, the dev Kubernetes overlay), never where real stores run.
    /// </summary>
    public bool AllowPublicDevelopmentKey { get; set; }

    /// <summary>
    /// The OpenID Connect provider that issues tokens in production (e.g. <c>https://login.example.com/realms/multistore</c>);
    /// its <c>/.well-known/openid-configuration</c> names the signing keys. Empty: development mode.
    /// </summary>
    public string? Authority { get; set; }

    /// <summary>The metadata document's address when it is not under <see cref="Authority"/>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>Refuse metadata over plain HTTP (only a local test provider may turn this off).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// The <c>iss</c> every token must carry, and the only one accepted. With an <see cref="Authority"/>, empty means "the
    /// issuer its metadata names" (and only it); set, it is the only issuer accepted even then, so a provider's tokens
    /// need it empty or set to the provider's own issuer (the default <c>multistore</c> refuses them).
    /// </summary>
    public string? Issuer { get; set; } = "multistore";

    /// <summary>The <c>aud</c> every token must carry.</summary>
    public string Audience { get; set; } = "multistore";

    /// <summary>Tolerance for clocks that disagree when checking <c>nbf</c>/<c>exp</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>True when tokens come from an identity provider rather than the development key.</summary>
    public bool UsesAuthority => !string.IsNullOrWhiteSpace(Authority);

    /// <summary>The smallest key HS256 accepts without weakening the signature.</summary>
    public const int MinimumKeyBytes = 32;
}

/// <summary>
/// Refuses to start with settings that would make tokens forgeable or unverifiable, naming the bad key.
/// <paramref name="publicKeyHarmless"/>: whether <see cref="AuthOptions.PublicDevelopmentKey"/> is accepted without
/// opting in, because nobody else's store is reached through it (see <see cref="For"/>). A deployment that forgot to
/// set its own key then refuses to start instead of accepting tokens anyone can forge.
/// </summary>
public sealed class AuthOptionsValidator(bool publicKeyHarmless) : IValidateOptions<AuthOptions>
{
    /// <summary>
    /// The rule for a host: the public key is harmless in the Development environment, and in the embedded runtime
    /// (an in-memory demo) while it listens on this machine only, as <c>dotnet run --project Api</c> does. The
    /// container image's embedded demo listens on every interface, so it needs a key of its own.
    /// </summary>
    public static AuthOptionsValidator For(bool isDevelopment, OrleansMode mode, IConfiguration configuration) =>
        new(isDevelopment || (mode == OrleansMode.Embedded && ListenAddresses.AreLoopbackOnly(configuration)));

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (options.UsesAuthority)
        {
            if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority)
                || (options.RequireHttpsMetadata && authority.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{AuthOptions.SectionName}:{nameof(AuthOptions.Authority)} must be an absolute https URL.");
            }

            if (!string.IsNullOrWhiteSpace(options.MetadataAddress) && !Uri.TryCreate(options.MetadataAddress, UriKind.Absolute, out _))
            {
                failures.Add($"{AuthOptions.SectionName}:{nameof(AuthOptions.MetadataAddress)} must be an absolute URL.");
            }
        }
        else
        {
            if (Encoding.UTF8.GetByteCount(options.SigningKey ?? string.Empty) < AuthOptions.MinimumKeyBytes)
            {
                failures.Add($"{AuthOptions.SectionName}:{nameof(AuthOptions.SigningKey)} must be at least {AuthOptions.MinimumKeyBytes} bytes (or set {AuthOptions.SectionName}:{nameof(AuthOptions.Authority)}).");
            }

            if (string.Equals(options.SigningKey, AuthOptions.PublicDevelopmentKey, StringComparison.Ordinal)
                && !publicKeyHarmless && !options.AllowPublicDevelopmentKey)
            {
                failures.Add($"{AuthOptions.SectionName}:{nameof(AuthOptions.SigningKey)} is the public development key from appsettings.json, which anyone can sign tokens with: set your own secret key (or {AuthOptions.SectionName}:{nameof(AuthOptions.Authority)}; {AuthOptions.SectionName}:{nameof(AuthOptions.AllowPublicDevelopmentKey)}=true for a local demo cluster).");
            }

            if (string.IsNullOrWhiteSpace(options.Issuer))
            {
                failures.Add($"{AuthOptions.SectionName}:{nameof(AuthOptions.Issuer)} must not be empty.");
            }
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
