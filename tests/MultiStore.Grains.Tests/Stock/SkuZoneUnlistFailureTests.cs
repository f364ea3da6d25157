using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>An entry's refusal whose cleanup in the SKU fails: the caller still gets the refusal, not the cleanup's failure.</summary>
public sealed class SkuZoneUnlistFailureTests(StockCallHookCluster cluster) : IClassFixture<StockCallHookCluster>
{
    private const string Sku = "SOCK-RED";
    private const string NewZone = "east";

    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    [Fact]
    public async Task AdjustZoneAsync_WhenTheEntryRefuses_AndItsIsStockedCheckFails_AnswersTheRefusal_AndTheNextWriteStocksTheZone()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var sku = cluster.Client.GetGrain<ISkuGrain>(TenantKey.For(_tenant, Sku));
        await sku.AdjustZoneAsync(ClusterFixture.DefaultZone, ClusterFixture.SetOnHand(3));
        cluster.FailNextIsStocked(cluster.Stock(_tenant, Sku, NewZone));

        // A count made against an on-hand of 4 that the new entry never had: the entry refuses it.
        var refusal = await StoreAssert.RefusedAsync(
            RuleCodes.StockChanged, () => sku.AdjustZoneAsync(NewZone, new StockAdjustment(null, 5, null, "catalog import", OnHandBasis: 4)));

        Assert.Contains("on hand is now 0, not 4", refusal.Message, StringComparison.Ordinal);
        // The zone could not be taken off again: it stays listed, never stocked, which every read skips.
        Assert.Equal([NewZone, ClusterFixture.DefaultZone], await sku.GetZonesAsync());
        Assert.False((await cluster.Stock(_tenant, Sku, NewZone).GetAsync()).IsStocked);
        Assert.Equal(5, (await sku.AdjustZoneAsync(NewZone, ClusterFixture.SetOnHand(5))).OnHand);
        Assert.All(await sku.GetLevelsAsync(), level => Assert.True(level.IsStocked, level.Zone));
    }
}
