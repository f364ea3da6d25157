using MultiStore.Grains.Catalog;
using MultiStore.Grains.Interfaces.Catalog;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// An admin's count of a code the catalog never issued (<see cref="ISkuGrain.StockByHandAsync"/>) claims the code
/// under the store's cap of hand-stocked codes; a count the entry refuses must leave that cap as it was.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class SkuHandStockingTests(ClusterFixture cluster)
{
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private ICatalogGrain Catalog => cluster.Client.GetGrain<ICatalogGrain>(TenantKey.For(_tenant, ICatalogGrain.EntityId));

    private ISkuGrain Sku(string sku) => cluster.Sku(_tenant, sku);

    [Fact]
    public async Task StockByHandAsync_RefusedByTheEntry_GivesTheClaimBack_SoTheLastPlaceUnderTheCapStaysFree()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await FillCapButOneAsync();

        // A basis the never-stocked entry does not have: stock-changed, after the code was claimed.
        await StoreAssert.RefusedAsync(
            RuleCodes.StockChanged, () => Sku("FBX-GEN-5001").StockByHandAsync(ClusterFixture.DefaultZone, new StockAdjustment(null, 7, null, "set", OnHandBasis: 4)));

        Assert.Equal(3, (await Sku("FBX-GEN-5002").StockByHandAsync(ClusterFixture.DefaultZone, ClusterFixture.SetOnHand(3))).OnHand);
        await StoreAssert.RefusedAsync(RuleCodes.InvalidId, () => Catalog.ClaimSkuForStockAsync("FBX-GEN-5003"));
    }

    [Fact]
    public async Task StockByHandAsync_TwoCountsOfOneNewCodeAtTheCap_TheRefusedOneKeepsTheAcceptedOnesClaim()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await FillCapButOneAsync();
        var sku = Sku("FBX-GEN-6001");

        // One count the entry refuses whatever runs first (its basis is neither 0 nor 4), one it accepts, sent together:
        // either way the code ends up stocked and claimed, holding the last place.
        var refused = sku.StockByHandAsync(ClusterFixture.DefaultZone, new StockAdjustment(null, 9, null, "set", OnHandBasis: 2));
        var accepted = sku.StockByHandAsync(ClusterFixture.DefaultZone, ClusterFixture.SetOnHand(4));
        var outcomes = await Task.WhenAll(Outcome(refused), Outcome(accepted));

        Assert.Equal(4, Assert.Single(await sku.GetLevelsAsync()).OnHand);
        Assert.Equal(new[] { RuleCodes.StockChanged, null }, outcomes);
        Assert.Null(await Catalog.ClaimSkuForStockAsync("FBX-GEN-6001"));
        await StoreAssert.RefusedAsync(RuleCodes.InvalidId, () => Catalog.ClaimSkuForStockAsync("FBX-GEN-6002"));
    }

    private async Task FillCapButOneAsync()
    {
        await Catalog.ConfigureAsync("FBX", null);
        for (var number = 1; number < CatalogRules.MaxStockedOutside; number++)
        {
            Assert.Null(await Catalog.ClaimSkuForStockAsync($"FBX-GEN-{number:D4}"));
        }
    }

    /// <summary>Null when the count was applied, else the refusal's code.</summary>
    private static async Task<string?> Outcome(Task<StockLevel> count)
    {
        try
        {
            await count;
            return null;
        }
        catch (StoreRuleException refusal)
        {
            return refusal.Code;
        }
    }
}
