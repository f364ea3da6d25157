using MultiStore.Grains.Hosting;
using Orleans.TestingHost;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>One silo wired like production, whose grain state lives in a <see cref="FlakyGrainStorage"/>.</summary>
public sealed class FlakyStorageCluster : InProcessCluster
{
    public FlakyGrainStorage Storage => this.FlakyStorage();

    protected override void Configure(InProcessTestClusterBuilder builder) =>
        builder.ConfigureSilo((_, silo) => silo.AddMultiStoreGrains().UseEmbeddedStorage().UseFlakyStorage());
}
