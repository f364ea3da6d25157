using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Stock;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>A SKU whose zone list could not be written: no entry is left holding stock that the list does not show.</summary>
public sealed class SkuZoneListingFailureTests(FlakyStorageCluster cluster) : IClassFixture<FlakyStorageCluster>
{
    private const string Sku = "SCARF-GRN";
    private const string NewZone = "east"; // sorts before the default zone, "main"

    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    [Fact]
    public async Task AdjustZoneAsync_WhoseListingWriteFails_StocksNothing_AndItsRetryStocksAndListsTheZone()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var sku = cluster.Client.GetGrain<ISkuGrain>(TenantKey.For(_tenant, Sku));
        await sku.AdjustZoneAsync(ClusterFixture.DefaultZone, ClusterFixture.SetOnHand(3));
        cluster.Storage.FailNextWrite(sku.GetGrainId());

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => sku.AdjustZoneAsync(NewZone, ClusterFixture.SetOnHand(5)));
        Assert.Contains("Injected storage failure", failure.ToString(), StringComparison.Ordinal);

        // Stock that carts could sell but no per-SKU read or export would show is what must never be left behind.
        Assert.False((await Entry(NewZone).GetAsync()).IsStocked, "the entry holds stock its SKU does not list");
        Assert.Equal([ClusterFixture.DefaultZone], await sku.GetZonesAsync());

        Assert.Equal(5, (await sku.AdjustZoneAsync(NewZone, ClusterFixture.SetOnHand(5))).OnHand);
        Assert.Equal([NewZone, ClusterFixture.DefaultZone], await sku.GetZonesAsync());
        Assert.Equal([NewZone, ClusterFixture.DefaultZone], cluster.Storage.Stored<SkuState>("sku", sku.GetGrainId())?.Zones.Order(StringComparer.Ordinal));
        Assert.All(await sku.GetLevelsAsync(), level => Assert.True(level.IsStocked, level.Zone));
    }

    private IStockGrain Entry(string zone) =>
        cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, zone)));
}
