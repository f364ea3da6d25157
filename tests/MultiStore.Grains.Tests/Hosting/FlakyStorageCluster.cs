using Microsoft.Extensions.DependencyInjection;
using MultiStore.Grains.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>One silo wired like production, whose grain state lives in a <see cref="FlakyGrainStorage"/>.</summary>
public sealed class FlakyStorageCluster : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;
    private FlakyGrainStorage? _storage;

    public IClusterClient Client => _cluster!.Client;

    public FlakyGrainStorage Storage => _storage ?? throw new InvalidOperationException("The cluster is not deployed.");

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMultiStoreGrains().UseEmbeddedStorage();
            foreach (var name in new[] { StorageNames.Store, StorageNames.Shopping })
            {
                silo.Services.AddKeyedSingleton<IGrainStorage>(name, (services, _) =>
                    _storage ??= new FlakyGrainStorage(services.GetRequiredService<IGrainStorageSerializer>()));
            }
        });
        _cluster = builder.Build();
        await _cluster.DeployAsync();
        // Made before any grain asks for it, so that a test can arm a failure for a grain that has never stored a thing.
        _storage ??= (FlakyGrainStorage)_cluster.Silos[0].SiloHost.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Shopping);
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
