using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MultiStore.Api.Auth;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Tests.Infrastructure;

/// <summary>
/// The real API (production wiring, embedded silo, demo stores seeded) on a test server, with the silo on
/// ports of its own. One instance is shared by every test class in <see cref="ApiCollection"/>; a fixture with
/// special settings derives from it and overrides <see cref="ConfigureSettings"/>.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>A key that only tests use; the dev key in appsettings.json is not trusted here.</summary>
    public const string SigningKey = "tests-only-signing-key-0123456789abcdef-0123456789";

    private readonly (int Silo, int Gateway) _ports = FreePorts.Pair();

    /// <summary>Warnings and errors the API logged.</summary>
    public LogSink Logs { get; } = new();

    public int SiloPort => _ports.Silo;

    public int GatewayPort => _ports.Gateway;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Orleans:SiloPort", _ports.Silo.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Orleans:GatewayPort", _ports.Gateway.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Auth:SigningKey", SigningKey);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        builder.UseSetting("Logging:LogLevel:Orleans", "Error");
        // Isolation tests provoke refused cross-store calls on purpose; their warnings are noise here.
        builder.UseSetting("Logging:LogLevel:MultiStore.Grains.Tenancy", "Error");
        builder.UseSetting("Logging:LogLevel:MultiStore.Api.Problems", "Error");
        // A refused token is logged at Information; tests read which request it names.
        builder.UseSetting("Logging:LogLevel:MultiStore.Api.Auth.InvalidCredentialsMiddleware", "Information");
        // Webhook tests deliver to a listener on 127.0.0.1 and retry within milliseconds instead of seconds.
        builder.UseSetting("Webhooks:AllowPrivateNetworks", "true");
        builder.UseSetting("Webhooks:InitialBackoff", "00:00:00.050");
        builder.UseSetting("Webhooks:MaxBackoff", "00:00:00.200");
        builder.UseSetting("Webhooks:DeliveryTick", "00:00:00.020");
        builder.UseSetting("Webhooks:Timeout", "00:00:05");
        // The shared API is one client to itself (TestServer has no remote address): limits far above what any test
        // sends keep the production limiter in the pipeline without throttling. LimitsTests has a fixture of its own.
        foreach (var limit in new[] { "StorefrontClient", "StorefrontStore", "AdminClient", "UnknownHosts" })
        {
            builder.UseSetting($"RateLimits:{limit}:PermitLimit", "100000000");
        }

        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
        ConfigureSettings(builder);
    }

    /// <summary>Settings of a derived fixture, applied after the shared ones (and so winning over them).</summary>
    protected virtual void ConfigureSettings(IWebHostBuilder builder)
    {
    }

    public virtual Task InitializeAsync()
    {
        // Starts the host (silo, demo seed) once, before the first test.
        _ = Server;
        return Task.CompletedTask;
    }

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    /// <summary>A client whose requests carry <paramref name="host"/> as their Host header.</summary>
    public HttpClient ClientFor(string host, string? token = null)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri($"http://{host}/"), AllowAutoRedirect = false });
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return client;
    }

    public TokenService Tokens => Services.GetRequiredService<TokenService>();

    public string StoreToken(string tenant, string role, string subject = "test-user") =>
        Tokens.IssueStoreToken(subject, TenantId.Parse(tenant), role, TimeSpan.FromMinutes(30));

    public string PlatformToken(string subject = "test-operator") => Tokens.IssuePlatformToken(subject, TimeSpan.FromMinutes(30));
}

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFactory>
{
    public const string Name = "Api";
}
