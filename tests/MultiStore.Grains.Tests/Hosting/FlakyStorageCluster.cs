using Microsoft.Extensions.DependencyInjection;
using MultiStore.Grains.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>One silo wired like production, whose grain state lives in a <see cref="FlakyGrainStorage"/>.</summary>
public sealed class FlakyStorageCluster : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public IClusterClient Client => _cluster!.Client;

    public FlakyGrainStorage Storage =>
        _cluster?.Silos[0].SiloHost.Services.GetRequiredService<FlakyGrainStorage>()
        ?? throw new InvalidOperationException("The cluster is not deployed.");

    /// <summary>Ends <paramref name="grain"/>'s activation; its next call activates it again from what storage holds.</summary>
    public Task DeactivateAsync(IAddressable grain) => _cluster!.DeactivateAsync(grain);

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMultiStoreGrains().UseEmbeddedStorage();
            // One instance behind both names, made by the container once, so a test arms the very storage a grain writes to.
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
