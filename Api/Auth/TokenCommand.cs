using Microsoft.Extensions.Options;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Auth;

/// <summary>
/// <c>dotnet run --project Api -- token --role ROLE [--tenant ID] [--sub NAME] [--minutes N]</c>: prints one
/// token on stdout and nothing else, so it can be captured with <c>$(...)</c>. Errors go to stderr.
/// </summary>
public static class TokenCommand
{
    public const string Name = "token";
    private const int DefaultMinutes = 60;
    private const int MaxMinutes = 24 * 60;

    private const string Usage =
        "usage: token --role ROLE [--tenant ID] [--sub NAME] [--minutes N]\n" +
        "  ROLE: platform-operator | owner | brand-manager | warehouse | support (store roles need --tenant)";

    public static bool IsInvoked(string[] args) => args.Length > 0 && string.Equals(args[0], Name, StringComparison.Ordinal);

    /// <summary>The configuration the web host would read for <c>Auth</c>, built without starting anything.</summary>
    public static IConfiguration LoadConfiguration(string[] args)
    {
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
            ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
            ?? "Production";
        return new ConfigurationBuilder()
            .SetBasePath(AppContext.BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environment}.json", optional: true)
            .AddEnvironmentVariables()
            .Build();
    }

    /// <summary>Runs the command; returns the process exit code (0 on success, 2 on bad arguments or settings).</summary>
    public static int Run(string[] args, IConfiguration configuration, TextWriter stdout, TextWriter stderr)
    {
        if (!TryParse(args, out var parsed, out var error))
        {
            stderr.WriteLine(error);
            stderr.WriteLine(Usage);
            return 2;
        }

        var auth = configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>() ?? new AuthOptions();
        // The command only signs; whether the public development key is accepted is the Api's decision at its start.
        var validation = new AuthOptionsValidator(publicKeyHarmless: true).Validate(null, auth);
        if (validation.Failed)
        {
            stderr.WriteLine(validation.FailureMessage);
            return 2;
        }

        if (auth.UsesAuthority)
        {
            stderr.WriteLine($"{AuthOptions.SectionName}:{nameof(AuthOptions.Authority)} is set: tokens come from that identity provider, and the API does not accept development tokens.");
            return 2;
        }

        var tokens = new TokenService(Options.Create(auth), TimeProvider.System);
        var lifetime = TimeSpan.FromMinutes(parsed.Minutes);
        var token = parsed.Tenant is { } tenant
            ? tokens.IssueStoreToken(parsed.Subject, tenant, parsed.Role, lifetime)
            : tokens.IssuePlatformToken(parsed.Subject, lifetime);
        stdout.WriteLine(token);
        return 0;
    }

    private sealed record Arguments(string Role, TenantId? Tenant, string Subject, int Minutes);

    private static bool TryParse(string[] args, out Arguments parsed, out string error)
    {
        parsed = new Arguments(string.Empty, null, string.Empty, DefaultMinutes);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 1; i < args.Length; i++)
        {
            var name = args[i];
            if (name is not ("--role" or "--tenant" or "--sub" or "--minutes"))
            {
                error = $"unknown argument '{name}'";
                return false;
            }

            if (i + 1 >= args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                error = $"{name} needs a value";
                return false;
            }

            values[name] = args[++i];
        }

        if (!values.TryGetValue("--role", out var role))
        {
            error = "--role is required";
            return false;
        }

        TenantId? tenant = null;
        if (values.TryGetValue("--tenant", out var tenantText))
        {
            if (!TenantId.TryParse(tenantText, out var tenantId))
            {
                error = $"'{tenantText}' is not a tenant id (2-40 of a-z, 0-9, '-')";
                return false;
            }

            tenant = tenantId;
        }

        if (role == PlatformRoles.Operator)
        {
            if (tenant is not null)
            {
                error = "--tenant is only for store roles: a platform operator holds no store role";
                return false;
            }
        }
        else if (!StoreRoles.IsStoreRole(role))
        {
            error = $"unknown role '{role}'";
            return false;
        }
        else if (tenant is null)
        {
            error = $"the store role '{role}' needs --tenant";
            return false;
        }

        var minutes = DefaultMinutes;
        if (values.TryGetValue("--minutes", out var minutesText)
            && (!int.TryParse(minutesText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out minutes)
                || minutes < 1 || minutes > MaxMinutes))
        {
            error = $"--minutes must be a whole number from 1 to {MaxMinutes}";
            return false;
        }

        var subject = values.GetValueOrDefault("--sub") ?? $"dev-{role}";
        if (string.IsNullOrWhiteSpace(subject) || subject.Length > 200)
        {
            error = "--sub must be 1-200 characters";
            return false;
        }

        parsed = new Arguments(role, tenant, subject, minutes);
        error = string.Empty;
        return true;
    }
}
