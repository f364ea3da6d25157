using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>A stock entry tells its store when available units fall to or below the reorder point: once, until an admin's adjustment restocks it.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StockAlertsTests(ClusterFixture cluster)
{
    private const string Sku = "ALERT-SKU";
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private IStockAlertsGrain Alerts => cluster.Client.GetGrain<IStockAlertsGrain>(TenantKey.For(_tenant, IStockAlertsGrain.EntityId));

    [Fact]
    public async Task RaiseAsync_RetriedWithTheSameAlert_RecordsItOnce()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        var alert = new LowStockAlert(Sku, ClusterFixture.DefaultZone, 2, 5, cluster.Now);

        await Alerts.RaiseAsync(alert);
        await Alerts.RaiseAsync(alert);
        await Alerts.RaiseAsync(alert with { Available = 1 });

        Assert.Equal([1, 2], (await Alerts.ListAsync(10)).Select(raised => raised.Available));
    }

    [Fact]
    public async Task RaiseAsync_TwoAlertsOfOneEntryAlikeButForTheirNumber_RecordsBoth_AndAnUnnumberedOneMatchesEither()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        var first = new LowStockAlert(Sku, ClusterFixture.DefaultZone, 2, 5, cluster.Now, Number: 1);

        await Alerts.RaiseAsync(first);
        await Alerts.RaiseAsync(first with { Number = 2 });
        await Alerts.RaiseAsync(first);
        // As a silo of the release before numbers raises it again.
        await Alerts.RaiseAsync(first with { Number = 0 });

        Assert.Equal([2L, 1L], (await Alerts.ListAsync(10)).Select(raised => raised.Number));
    }

    [Fact]
    public async Task PageAsync_CountsTheAlertsEachEntryReportsDropped_ByTheMostItReported()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        var alert = new LowStockAlert(Sku, ClusterFixture.DefaultZone, 2, 5, cluster.Now, Number: 25, DroppedBefore: 3);

        await Alerts.RaiseAsync(alert);
        await Alerts.RaiseAsync(alert with { Number = 26, DroppedBefore = 4 });
        await Alerts.RaiseAsync(alert with { Sku = "OTHER-SKU", Number = 30, DroppedBefore = 1 });
        // An older alert the entry could not hand over until now carries what it had dropped then.
        await Alerts.RaiseAsync(alert with { Number = 24, DroppedBefore = 2 });

        Assert.Equal(5, (await Alerts.PageAsync(null, 10)).DroppedAlerts);
    }

    [Fact]
    public async Task Reservations_CrossingTheReorderPointAgain_RaiseNoAlertUntilAnAdjustmentRestocks()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var acting = ClusterFixture.ActAs(_tenant);
        Assert.Equal(5, (await stock.SetReorderPointAsync(5)).ReorderPoint);

        await stock.ReserveAsync("a", 4, Ttl);            // available 6: above
        await stock.ReserveAsync("b", 1, Ttl);            // available 5: crossing, alert
        await stock.ReserveAsync("c", 1, Ttl);            // available 4: still low, no new alert
        await stock.ReleaseAsync("c");
        await stock.ReleaseAsync("b");                    // available 6: above again, by a release: not re-armed
        await stock.ConfirmAsync("a");                    // on-hand 6, available 6: above (a sale re-arms nothing either)
        await stock.ReserveAsync("d", 2, Ttl);            // available 4: crossing again, no alert
        await stock.ReleaseAsync("d");                    // available 6
        await stock.AdjustAsync(ClusterFixture.Delta(2)); // on-hand 8, available 8: restocked by an admin, re-armed
        await stock.ReserveAsync("e", 5, Ttl);            // available 3: alert

        var alerts = await Eventually.ReadAsync(() => Alerts.ListAsync(10), list => list.Count >= 2);
        await Task.Delay(200);
        alerts = await Alerts.ListAsync(10);
        // Two raises in flight may reach the alerts grain in either order when the machine is busy: compare as a set.
        Assert.Equal([(5, 5), (3, 5)], alerts.Select(alert => (alert.Available, alert.ReorderPoint)).OrderByDescending(pair => pair.Available));
        Assert.All(alerts, alert => Assert.Equal((Sku, ClusterFixture.DefaultZone), (alert.Sku, alert.Zone)));
    }

    [Fact]
    public async Task Reservations_FlappingAroundTheReorderPoint_RaiseOneAlert_EvenAfterReactivation_UntilRestocked()
    {
        // An anonymous cart setting a line to 10 and back to 0, again and again: each time available crosses 10.
        var stock = await cluster.StockAsync(_tenant, Sku, 20);
        using (ClusterFixture.ActAs(_tenant))
        {
            await stock.SetReorderPointAsync(10);
            await FlapAsync(stock, "first", 20);
        }

        // The entry reloads from its journal: it still knows it has alerted.
        await cluster.Cluster.DeactivateAsync(stock);
        using var acting = ClusterFixture.ActAs(_tenant);
        await FlapAsync(stock, "second", 20);
        var single = Assert.Single(await Eventually.ReadAsync(() => Alerts.ListAsync(50), list => list.Count > 0));
        Assert.Equal((10, 10), (single.Available, single.ReorderPoint));

        // A restock that leaves the entry above its point re-arms it: the next drop alerts once more.
        await stock.AdjustAsync(ClusterFixture.SetOnHand(25));
        await FlapAsync(stock, "third", 5, quantity: 16);

        var alerts = await Eventually.ReadAsync(() => Alerts.ListAsync(50), list => list.Count >= 2);
        await Task.Delay(200);
        alerts = await Alerts.ListAsync(50);
        Assert.Equal([(10, 10), (9, 10)], alerts.Reverse().Select(alert => (alert.Available, alert.ReorderPoint)));
    }

    private async Task FlapAsync(IStockGrain stock, string cart, int times, int quantity = 10)
    {
        for (var i = 0; i < times; i++)
        {
            // A moment apart, as a shopper's requests are: alerts at different times are different alerts (one
            // repeated at the same instant is taken for a retry and stored once).
            cluster.Time.Advance(TimeSpan.FromSeconds(1));
            var id = $"{cart}-{i}";
            Assert.Equal(ReservationStatus.Reserved, (await stock.ReserveAsync(id, quantity, Ttl)).Status);
            await stock.ReleaseAsync(id);
        }
    }

    [Fact]
    public async Task SetReorderPointAsync_AboveTheCurrentLevel_RaisesAtOnce()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 3);
        using var acting = ClusterFixture.ActAs(_tenant);

        await stock.SetReorderPointAsync(10);

        var alert = Assert.Single(await Eventually.ReadAsync(() => Alerts.ListAsync(10), list => list.Count > 0));
        Assert.Equal((3, 10), (alert.Available, alert.ReorderPoint));
    }

    [Fact]
    public async Task SetReorderPointAsync_AfterReactivation_IsStillInForce()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using (ClusterFixture.ActAs(_tenant))
        {
            await stock.SetReorderPointAsync(2);
        }

        await cluster.Cluster.DeactivateAsync(stock);

        using var acting = ClusterFixture.ActAs(_tenant);
        Assert.Equal(2, (await stock.GetAsync()).ReorderPoint);
        await stock.AdjustAsync(ClusterFixture.SetOnHand(1));
        var alert = Assert.Single(await Eventually.ReadAsync(() => Alerts.ListAsync(10), list => list.Count > 0));
        Assert.Equal((1, 2), (alert.Available, alert.ReorderPoint));
        Assert.Null((await stock.SetReorderPointAsync(null)).ReorderPoint);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1_000_000_001)]
    public async Task SetReorderPointAsync_OutOfRange_IsRefused(int reorderPoint)
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 1);
        using var acting = ClusterFixture.ActAs(_tenant);
        await StoreAssert.RefusedAsync(RuleCodes.InvalidQuantity, () => stock.SetReorderPointAsync(reorderPoint));
    }
}
