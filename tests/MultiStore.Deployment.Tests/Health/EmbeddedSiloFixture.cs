using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MultiStore.Deployment.Tests.Infrastructure;
using MultiStore.Silo.Hosting;

namespace MultiStore.Deployment.Tests.Health;

/// <summary>
/// A silo built exactly as <c>Silo/Program.cs</c> builds it (embedded mode: no database), with its health and
/// metrics endpoint on a free port, started once for the tests of <see cref="SiloHttpEndpointTests"/>.
/// </summary>
public sealed class EmbeddedSiloFixture : IAsyncLifetime
{
    private readonly int[] _ports = FreePorts.Take(3);

    public IHost Host { get; private set; } = null!;

    public HttpClient Http { get; private set; } = null!;

    public static IHost Build(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning).AddFilter("Orleans", LogLevel.Error);
        builder.AddMultiStoreSilo();
        return builder.Build();
    }

    public async Task InitializeAsync()
    {
        Host = Build(new Dictionary<string, string?>
        {
            ["Orleans:Mode"] = "Embedded",
            ["Orleans:SiloPort"] = _ports[0].ToString(CultureInfo.InvariantCulture),
            ["Orleans:GatewayPort"] = _ports[1].ToString(CultureInfo.InvariantCulture),
            ["Health:Port"] = _ports[2].ToString(CultureInfo.InvariantCulture),
        });
        await Host.StartAsync();
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_ports[2]}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Host.StopAsync(TimeSpan.FromSeconds(10));
        Host.Dispose();
    }
}
