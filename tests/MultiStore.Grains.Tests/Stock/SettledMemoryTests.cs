using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Stock;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// A stock entry remembers only its newest settled reservations (here <see cref="SmallStockMemoryCluster.SettledKept"/>):
/// a repeat of one still remembered answers its outcome, live and after a reload; one forgotten answers "unknown" and
/// changes nothing, so nothing is sold or put back twice.
/// </summary>
public sealed class SettledMemoryTests(SmallStockMemoryCluster cluster) : IClassFixture<SmallStockMemoryCluster>
{
    private const int Kept = SmallStockMemoryCluster.SettledKept;
    private static readonly TimeSpan Hold = TimeSpan.FromMinutes(15);
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    [Fact]
    public async Task ConfirmAsync_RepeatOfARememberedSale_AnswersConfirmedLiveAndAfterAReload()
    {
        var stock = await StockAsync("SKU-KEPT", onHand: 10);
        using var acting = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("sale", 2, Hold);
        await stock.ConfirmAsync("sale");
        await ChurnAsync(stock, Kept - 1);

        await AssertRememberedAsync();
        await cluster.DeactivateAsync(stock);
        await AssertRememberedAsync();

        async Task AssertRememberedAsync()
        {
            Assert.Equal((ReservationStatus.Confirmed, 2), Outcome(await stock.ConfirmAsync("sale")));
            Assert.Equal((ReservationStatus.Confirmed, 2), Outcome(await stock.ReserveAsync("sale", 2, Hold)));
            Assert.Equal((8, 0), Numbers(await stock.GetAsync()));
        }
    }

    [Fact]
    public async Task Calls_AboutASaleForgottenForNewerOnes_AnswerUnknownAndChangeNothing()
    {
        var stock = await StockAsync("SKU-FORGOTTEN", onHand: 10);
        using var acting = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("sale", 3, Hold);
        await stock.ConfirmAsync("sale");
        await ChurnAsync(stock, Kept);

        await AssertForgottenAsync();
        await cluster.DeactivateAsync(stock);
        await AssertForgottenAsync();

        async Task AssertForgottenAsync()
        {
            // Never put back (it may have been returned already), never sold again.
            Assert.Equal((ReservationStatus.Unknown, 0), Outcome(await stock.ReturnAsync("sale")));
            Assert.Equal((ReservationStatus.Unknown, 0), Outcome(await stock.ConfirmAsync("sale")));
            Assert.Equal((ReservationStatus.Unknown, 0), Outcome(await stock.ReleaseAsync("sale")));
            Assert.Equal((7, 0), Numbers(await stock.GetAsync()));
        }
    }

    [Fact]
    public async Task ReturnAsync_OfASaleStillRemembered_PutsItsUnitsBackOnce()
    {
        var stock = await StockAsync("SKU-RETURN", onHand: 10);
        using var acting = ClusterFixture.ActAs(_tenant);
        await stock.ReserveAsync("sale", 3, Hold);
        await stock.ConfirmAsync("sale");
        await ChurnAsync(stock, Kept - 1);

        Assert.Equal((ReservationStatus.Returned, 3), Outcome(await stock.ReturnAsync("sale")));
        Assert.Equal((ReservationStatus.Returned, 3), Outcome(await stock.ReturnAsync("sale")));
        await cluster.DeactivateAsync(stock);
        Assert.Equal((ReservationStatus.Returned, 3), Outcome(await stock.ReturnAsync("sale")));
        Assert.Equal((10, 0), Numbers(await stock.GetAsync()));
    }

    [Fact]
    public async Task Snapshots_OfAnEntryChurnedPastItsLimit_HoldOnlyTheNewestOutcomes()
    {
        var stock = await StockAsync("SKU-SNAPSHOT", onHand: 1_000);
        var probe = cluster.Journal.Watch(TenantKey.For(_tenant, StockEntryId.Format("SKU-SNAPSHOT", ClusterFixture.DefaultZone)));
        using var acting = ClusterFixture.ActAs(_tenant);
        // Enough changes for a snapshot (StockGrain.SnapshotEvery).
        var requests = Enumerable.Range(0, StockGrain.SnapshotEvery / 2 + 1).Select(i => new ReservationRequest($"r-{i}", 1, Hold)).ToArray();
        await stock.ReserveManyAsync(requests);
        foreach (var request in requests)
        {
            await stock.ReleaseAsync(request.ReservationId);
        }

        var snapshot = Assert.Single(probe.Written, batch => batch.Snapshot is not null).Snapshot!;
        Assert.Equal(Kept, snapshot.Settled.Count);
        Assert.All(snapshot.Settled.Values, settled => Assert.Equal(ReservationStatus.Released, settled.Status));

        // Reloaded from that snapshot and the changes after it: the newest outcomes, still within the limit.
        await cluster.DeactivateAsync(stock);
        Assert.Equal((ReservationStatus.Released, 1), Outcome(await stock.ReleaseAsync(requests[^1].ReservationId)));
        Assert.Equal((ReservationStatus.Unknown, 0), Outcome(await stock.ReleaseAsync(requests[^(Kept + 1)].ReservationId)));
        Assert.Equal((1_000, 0), Numbers(await stock.GetAsync()));
    }

    private async Task<IStockGrain> StockAsync(string sku, int onHand)
    {
        var stock = cluster.Stock(_tenant, sku);
        using (ClusterFixture.ActAs(_tenant))
        {
            await stock.AdjustAsync(ClusterFixture.SetOnHand(onHand));
        }

        return stock;
    }

    /// <summary>Settles <paramref name="count"/> more reservations of 1 unit (held, then released), one after another.</summary>
    private static async Task ChurnAsync(IStockGrain stock, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var id = $"churn-{Guid.NewGuid():N}";
            await stock.ReserveAsync(id, 1, Hold);
            await stock.ReleaseAsync(id);
        }
    }

    private static (ReservationStatus, int) Outcome(ReservationResult result) => (result.Status, result.Quantity);

    private static (int OnHand, int Reserved) Numbers(StockLevel level) => (level.OnHand, level.Reserved);
}
