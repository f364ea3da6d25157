using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Stock.Journal;
using Orleans.Storage;
using Orleans.TestingHost;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// One silo wired like production whose grain state lives in a <see cref="FlakyGrainStorage"/>, on a fake clock and a
/// <see cref="ProbeJournal"/>: a store that cannot store alerts for longer than a stock entry keeps retrying (the
/// entry's pauses pass only when the test moves the clock), and a journal that fails when the test says so.
/// </summary>
public sealed class FlakyAlertsCluster : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    /// <summary>The clock of every grain; it only moves when a test advances it.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero));

    public ProbeJournal Journal { get; } = new();

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public IClusterClient Client => Cluster.Client;

    public FlakyGrainStorage Storage => Cluster.Silos[0].SiloHost.Services.GetRequiredService<FlakyGrainStorage>();

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            // Registered before AddMultiStoreGrains, whose TryAdds then keep them (see ClusterFixture).
            silo.Services.AddSingleton<TimeProvider>(Time);
            silo.Services.AddSingleton<IStockJournal>(Journal);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.AddMultiStoreGrains().UseEmbeddedStorage();
            silo.Services.AddSingleton<FlakyGrainStorage>();
            foreach (var name in new[] { StorageNames.Store, StorageNames.Shopping })
            {
                silo.Services.AddKeyedSingleton<IGrainStorage>(name, (services, _) => services.GetRequiredService<FlakyGrainStorage>());
            }
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
    }
}
