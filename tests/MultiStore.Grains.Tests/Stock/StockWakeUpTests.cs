using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Stock;
using MultiStore.Grains.Stock.Journal;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// How holds expire with nobody calling: an active entry's timer fires at its next deadline, and the journal
/// carries each entry's wake-up time (written with the hold) so the silos' sweeper wakes an entry nobody has active.
/// Every assertion reads the journal, never the grain: a call would itself expire what is due.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StockWakeUpTests(ClusterFixture cluster)
{
    private const string Sku = "WAKE-SKU";
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private string Stream => TenantKey.For(_tenant, StockEntryId.Format(Sku, ClusterFixture.DefaultZone));

    [Fact]
    public async Task Batches_CarryTheWakeUpTime_OnlyWhenTheEarliestDeadlineMoves()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        var probe = cluster.Journal.Watch(Stream);
        using var acting = ClusterFixture.ActAs(_tenant);
        var now = cluster.Now;

        await stock.ReserveAsync("ten", 1, TimeSpan.FromMinutes(10));
        await stock.ReserveAsync("twenty", 1, TimeSpan.FromMinutes(20));
        await stock.ReserveAsync("five", 1, TimeSpan.FromMinutes(5));
        await stock.ReleaseAsync("five");
        await stock.ConfirmAsync("twenty");
        await stock.ReleaseAsync("ten");

        Assert.Equal(
            [new StockWakeUp(now.AddMinutes(10)), null, new StockWakeUp(now.AddMinutes(5)), new StockWakeUp(now.AddMinutes(10)), null, new StockWakeUp(null)],
            probe.Written.Select(batch => batch.WakeUp));
    }

    [Fact]
    public async Task Hold_OfAnActiveEntry_ExpiresAtItsDeadline_WithoutAnyCall()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        var probe = cluster.Journal.Watch(Stream);
        using (ClusterFixture.ActAs(_tenant))
        {
            await stock.ReserveAsync("r-1", 3, TimeSpan.FromMinutes(1));
        }

        cluster.Time.Advance(TimeSpan.FromSeconds(59));
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.Single(probe.Written);

        cluster.Time.Advance(TimeSpan.FromSeconds(1));
        var written = await Eventually.ReadAsync(() => Task.FromResult(probe.Written.ToList()), batches => batches.Count == 2);

        var expiry = Assert.Single(written[1].Changes);
        Assert.Equal((StockChangeKind.Settle, "r-1", ReservationStatus.Expired), (expiry.Kind, expiry.ReservationId, expiry.Outcome));
        Assert.Equal(new StockWakeUp(null), written[1].WakeUp);
    }

    [Fact]
    public async Task Hold_OfADeactivatedEntry_IsExpiredByTheSweeper_WithoutAnyCall()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using (ClusterFixture.ActAs(_tenant))
        {
            await stock.ReserveAsync("r-1", 3, TimeSpan.FromMinutes(1));
        }

        // No activation, so no timer: only the journal's wake-up time knows the hold is due.
        await cluster.Cluster.DeactivateAsync(stock);
        Assert.Contains(Stream, (await cluster.Journal.DueAsync(cluster.Now.AddMinutes(1), int.MaxValue)).Select(due => due.Stream));
        cluster.Time.Advance(TimeSpan.FromMinutes(2));

        // Each look moves the clock a sweep on, in case every sweeper was still busy with an earlier one when it moved.
        var state = await Eventually.ReadAsync(
            async () =>
            {
                cluster.Time.Advance(new ReservationOptions().WakeUpScanInterval);
                return (await cluster.Journal.LoadAsync(Stream)).ToState();
            },
            s => s.Held.Count == 0);

        Assert.Empty(state.Held);
        Assert.Equal(ReservationStatus.Expired, state.Settled["r-1"].Status);
        Assert.DoesNotContain(Stream, (await cluster.Journal.DueAsync(cluster.Now, int.MaxValue)).Select(due => due.Stream));
    }

    [Fact]
    public async Task WakeAsync_IsRefusedToEveryStoreRole()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var owner = TenantContext.ForCaller(_tenant, "owner@test", [.. StorePermissionNames()]);

        await Assert.ThrowsAsync<StorePermissionException>(stock.WakeAsync);
    }

    /// <summary>Every permission a role could hold: all declared names except the system grant and the one under test.</summary>
    private static IEnumerable<string> StorePermissionNames() =>
        typeof(StorePermission).GetFields()
            .Select(field => (string)field.GetValue(null)!)
            .Where(name => name is not StorePermission.System and not StorePermission.StockExpire);
}
