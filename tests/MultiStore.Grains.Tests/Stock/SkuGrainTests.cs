using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Stock;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

[Collection(ClusterCollection.Name)]
public sealed class SkuGrainTests(ClusterFixture cluster)
{
    private const string Sku = "CAP-RED";

    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    [Fact]
    public async Task GetLevelsAsync_WhenNeverStocked_IsEmpty()
    {
        using var _ = ClusterFixture.ActAs(_tenant);

        Assert.Empty(await cluster.Sku(_tenant, Sku).GetLevelsAsync());
    }

    [Fact]
    public async Task Reads_WhileOneWaitsForAnEntrysWrite_AreAnsweredBesideIt()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var sku = cluster.Sku(_tenant, Sku);
        await sku.AddZoneAsync(ClusterFixture.DefaultZone);
        var probe = cluster.Journal.Watch(TenantKey.For(_tenant, StockEntryId.Format(Sku, ClusterFixture.DefaultZone)));
        probe.Close();
        try
        {
            var reserving = stock.ReserveAsync("r-held", 1, TimeSpan.FromMinutes(5));
            await Eventually.HoldsAsync(() => !probe.Attempts.IsEmpty);
            var waiting = sku.GetLevelsAsync();

            // The level read waits for the held write; the zone list, asked after it, needs no entry.
            var zones = await sku.GetZonesAsync().WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Equal([ClusterFixture.DefaultZone], zones);
            Assert.False(waiting.IsCompleted);
            probe.Open();
            Assert.Equal(1, Assert.Single(await waiting).Reserved);
            Assert.True((await reserving).IsHeld);
        }
        finally
        {
            probe.Open();
        }
    }

    [Fact]
    public async Task AddZoneAsync_Repeated_ListsTheZoneOnce()
    {
        await cluster.StockAsync(_tenant, Sku, 4);
        using var _ = ClusterFixture.ActAs(_tenant);
        var sku = cluster.Sku(_tenant, Sku);

        await sku.AddZoneAsync(ClusterFixture.DefaultZone);
        await sku.AddZoneAsync(ClusterFixture.DefaultZone);

        var level = Assert.Single(await sku.GetLevelsAsync());
        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 4, 0, 0, true), level);
    }

    [Fact]
    public async Task GetLevelsAsync_SeveralZones_ReturnsEachZonesLevelOrderedByZone()
    {
        await cluster.StockAsync(_tenant, Sku, 30, "west");
        await cluster.StockAsync(_tenant, Sku, 10, "east");
        await cluster.StockAsync(_tenant, Sku, 20, "north");
        using var _ = ClusterFixture.ActAs(_tenant);
        await cluster.Stock(_tenant, Sku, "north").ReserveAsync("r-1", 5, TimeSpan.FromMinutes(5));
        var sku = cluster.Sku(_tenant, Sku);
        foreach (var zone in new[] { "west", "north", "east" })
        {
            await sku.AddZoneAsync(zone);
        }

        var levels = await sku.GetLevelsAsync();

        Assert.Equal(
            [
                new StockLevel(Sku, "east", 10, 0, 0, true),
                new StockLevel(Sku, "north", 20, 5, 0, true),
                new StockLevel(Sku, "west", 30, 0, 0, true),
            ],
            levels);
    }

    [Fact]
    public async Task GetLevelsAsync_ForAnotherSku_DoesNotSeeThisSkusZones()
    {
        await cluster.StockAsync(_tenant, Sku, 4);
        using var _ = ClusterFixture.ActAs(_tenant);
        await cluster.Sku(_tenant, Sku).AddZoneAsync(ClusterFixture.DefaultZone);

        Assert.Empty(await cluster.Sku(_tenant, "CAP-BLU").GetLevelsAsync());
    }

    [Fact]
    public async Task AddZoneAsync_BeyondTheWarehousesZoneCap_IsRefusedAndListsNothingMore()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var sku = cluster.Sku(_tenant, "CAP-ZONES");
        var zones = Enumerable.Range(0, SkuGrain.MaxZones).Select(index => $"z{index:00}").ToList();
        foreach (var zone in zones)
        {
            await sku.AddZoneAsync(zone);
        }

        await StoreAssert.RefusedAsync(RuleCodes.InvalidId, () => sku.EnsureZoneAllowedAsync("one-more"));
        await StoreAssert.RefusedAsync(RuleCodes.InvalidId, () => sku.AddZoneAsync("one-more"));
        await sku.EnsureZoneAllowedAsync(zones[0]);
        await sku.AddZoneAsync(zones[0]);

        Assert.Equal(50, SkuGrain.MaxZones);
        Assert.Equal(zones, await sku.GetZonesAsync());
    }

    [Fact]
    public async Task AdjustZoneAsync_ConcurrentNewZonesNearTheCap_ListsExactlyUpToIt_AndStocksNoRefusedZone()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var sku = cluster.Sku(_tenant, "CAP-RACE");
        var listed = SkuGrain.MaxZones - 10;
        for (var index = 0; index < listed; index++)
        {
            await sku.AdjustZoneAsync($"z{index:00}", ClusterFixture.SetOnHand(1));
        }

        var contenders = Enumerable.Range(0, 20).Select(index => $"new{index:00}").ToList();
        var outcomes = await AllAtOnce.RunAsync(contenders.Select(zone => (Func<Task<(string Zone, bool Stocked)>>)(async () =>
        {
            try
            {
                await sku.AdjustZoneAsync(zone, ClusterFixture.SetOnHand(1));
                return (zone, true);
            }
            catch (StoreRuleException refusal) when (refusal.Code == RuleCodes.InvalidId)
            {
                return (zone, false);
            }
        })));

        var won = outcomes.Where(outcome => outcome.Stocked).Select(outcome => outcome.Zone).ToList();
        var lost = outcomes.Where(outcome => !outcome.Stocked).Select(outcome => outcome.Zone).ToList();
        Assert.Equal(10, won.Count);
        var zones = await sku.GetZonesAsync();
        Assert.Equal(SkuGrain.MaxZones, zones.Count);
        Assert.Subset(zones.ToHashSet(), won.ToHashSet());
        // A refused zone stocked nothing: its entry was never set.
        foreach (var zone in lost)
        {
            Assert.False((await cluster.Stock(_tenant, "CAP-RACE", zone).GetAsync()).IsStocked, zone);
        }

        Assert.All(await sku.GetLevelsAsync(), level => Assert.True(level.IsStocked, level.Zone));
    }

    [Fact]
    public async Task AdjustZoneAsync_WhenTheEntryRefuses_ListsNothing_AndTheZonesPlaceUnderTheCapStaysFree()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var sku = cluster.Sku(_tenant, "CAP-REFUSED");
        var zones = Enumerable.Range(0, SkuGrain.MaxZones - 1).Select(index => $"z{index:00}").ToList();
        foreach (var zone in zones)
        {
            await sku.AdjustZoneAsync(zone, ClusterFixture.SetOnHand(1));
        }

        // The SKU lists the zone before it sets the entry; the entry's refusal (no reason given) changes nothing.
        await StoreAssert.RefusedAsync(RuleCodes.InvalidQuantity, () => sku.AdjustZoneAsync("refused", new StockAdjustment(null, 4, null, "")));

        Assert.Equal(zones, await sku.GetZonesAsync());
        Assert.False((await cluster.Stock(_tenant, "CAP-REFUSED", "refused").GetAsync()).IsStocked);
        Assert.Equal(1, (await sku.AdjustZoneAsync("last", ClusterFixture.SetOnHand(1))).OnHand);
        Assert.Equal(SkuGrain.MaxZones, (await sku.GetZonesAsync()).Count);
    }

    [Fact]
    public async Task AdjustZoneAsync_WhenTheEntrysWriteFails_KeepsTheZoneListed_ReadAsNeverStocked_AndTheRetryStocksIt()
    {
        const string sku = "CAP-JOURNAL";
        using var _ = ClusterFixture.ActAs(_tenant);
        var grain = cluster.Sku(_tenant, sku);
        var probe = cluster.Journal.Watch(TenantKey.For(_tenant, StockEntryId.Format(sku, "east")));

        probe.Failing = true;
        await Assert.ThrowsAnyAsync<Exception>(() => grain.AdjustZoneAsync("east", ClusterFixture.SetOnHand(6)));
        probe.Failing = false;

        // The entry might have been set before its answer was lost: the zone stays listed, and reads see the entry as it is.
        Assert.Equal(["east"], await grain.GetZonesAsync());
        var level = Assert.Single(await NotDurableRetry.RunAsync(grain.GetLevelsAsync));
        Assert.False(level.IsStocked);

        Assert.Equal(6, (await NotDurableRetry.RunAsync(() => grain.AdjustZoneAsync("east", ClusterFixture.SetOnHand(6)))).OnHand);
        Assert.Equal(["east"], await grain.GetZonesAsync());
        Assert.True(Assert.Single(await grain.GetLevelsAsync()).IsStocked);
    }
}
