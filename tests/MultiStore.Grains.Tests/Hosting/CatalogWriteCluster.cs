using Microsoft.Extensions.DependencyInjection;
using MultiStore.Grains.Hosting;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// One silo wired like production whose grain state lives in a <see cref="FlakyGrainStorage"/> and whose grains read a
/// <see cref="PausingClock"/>: a test can hold a grain inside a change, while it is worked out or while it is written.
/// </summary>
public class CatalogWriteCluster : InProcessCluster
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

/// <summary>A <see cref="CatalogWriteCluster"/> whose client gives up on a call after 1 s, as the Api does after 3 s.</summary>
public sealed class ShortTimeoutCatalogCluster : CatalogWriteCluster
{
    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(1);

    protected override void Configure(InProcessTestClusterBuilder builder)
    {
        base.Configure(builder);
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(options => options.ResponseTimeout = ClientTimeout));
    }
}
