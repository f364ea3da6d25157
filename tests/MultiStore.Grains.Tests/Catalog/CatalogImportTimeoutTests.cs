using MultiStore.Grains.Interfaces.Catalog;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Catalog;

/// <summary>An import that outlasts the client's call timeout is still answered: it has a timeout of its own.</summary>
public sealed class CatalogImportTimeoutTests(ShortTimeoutCatalogCluster cluster) : IClassFixture<ShortTimeoutCatalogCluster>
{
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private ICatalogGrain Catalog => cluster.Client.GetGrain<ICatalogGrain>(TenantKey.For(_tenant, ICatalogGrain.EntityId));

    [Fact]
    public async Task AnImportLongerThanTheCallTimeout_IsAnswered()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await Catalog.ConfigureAsync("FBX", "EUR");
        var held = cluster.Storage.HoldNextWrite(Catalog.GetGrainId());

        var import = Catalog.ImportAsync([new(2, "slow", "Slow", "Mugs", 10m, null, [new VariantImport(2, new Dictionary<string, string>(), null)])]);
        await held.Reached.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(2 * ShortTimeoutCatalogCluster.ClientTimeout);
        held.Release();

        var result = await import;
        Assert.Empty(result.Errors);
        Assert.Equal("FBX-MUGS-0001", result.SkuByRow[2]);
    }
}
