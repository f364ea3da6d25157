using Microsoft.Extensions.DependencyInjection;
using MultiStore.Grains.Hosting;
using Orleans.TestingHost;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// One silo wired like production whose grain state lives in a <see cref="FlakyGrainStorage"/> and whose grains read a
/// <see cref="PausingClock"/>: a test can hold a grain inside a change, while it is worked out or while it is written.
/// </summary>
public sealed class CatalogWriteCluster : InProcessCluster
{
    public PausingClock Clock { get; } = new();

    public FlakyGrainStorage Storage => this.FlakyStorage();

    protected override void Configure(InProcessTestClusterBuilder builder) =>
        builder.ConfigureSilo((_, silo) =>
        {
            // Registered before AddMultiStoreGrains, whose TryAdd then keeps it; Orleans' own timing stays on real time.
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.AddMultiStoreGrains().UseEmbeddedStorage().UseFlakyStorage();
        });
}
