using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Stock;
using MultiStore.Grains.Stock.Journal;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// Group commit and the journal behind a stock entry: callers share batches, nobody is answered before their
/// change is durable, a failed or fenced write acknowledges nothing, and a write costs its own changes only.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StockJournalTests(ClusterFixture cluster)
{
    private const string Sku = "JOURNAL-SKU";
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private string Stream => TenantKey.For(_tenant, StockEntryId.Format(Sku, ClusterFixture.DefaultZone));

    [Fact]
    public async Task ReserveAsync_CallersArrivingDuringAWrite_ShareTheNextBatchAndWaitForIt()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 1_000);
        var probe = cluster.Journal.Watch(Stream);
        using var acting = ClusterFixture.ActAs(_tenant);

        probe.Close();
        var first = stock.ReserveAsync("first", 1, Ttl);
        await Eventually.HoldsAsync(() => probe.Attempts.Count == 1);
        var others = Enumerable.Range(0, 199).Select(i => stock.ReserveAsync($"r-{i}", 1, Ttl)).ToList();
        await Eventually.HoldsAsync(() => others.All(call => !call.IsCompleted) && probe.Attempts.Count == 1);
        await Task.Delay(200);

        // Nothing is answered while the batch holding it is not durable.
        Assert.False(first.IsCompleted);
        Assert.All(others, call => Assert.False(call.IsCompleted));

        probe.Open();
        var results = await Task.WhenAll(others.Prepend(first));

        Assert.All(results, result => Assert.Equal(ReservationStatus.Reserved, result.Status));
        // Those that arrived during the write share the next batch (on a starved machine a few may come after it).
        var batches = probe.Written.Select(batch => batch.Changes.Count).ToList();
        Assert.Equal(1, batches[0]);
        Assert.True(batches[1] > 1, $"batches: {string.Join(", ", batches)}");
        Assert.Equal(200, batches.Sum());
        Assert.Equal(200, (await stock.GetAsync()).Reserved);
    }

    [Fact]
    public async Task ReserveAsync_NotEnoughForAHoldStillBeingWritten_WaitsForIt_ASoldOutNewcomerDoesNot()
    {
        // "Not enough" reports the units the reservation holds, and a cart records them: never a hold that is not durable.
        var stock = await cluster.StockAsync(_tenant, Sku, 5);
        var probe = cluster.Journal.Watch(Stream);
        using var acting = ClusterFixture.ActAs(_tenant);
        Assert.True((await stock.ReserveAsync("mine", 2, Ttl)).IsHeld);

        probe.Close();
        var resized = stock.ReserveAsync("mine", 5, Ttl);
        await Eventually.HoldsAsync(() => probe.Attempts.Count == 2);
        var tooMuch = stock.ReserveAsync("mine", 6, Ttl);
        var newcomer = await stock.ReserveAsync("newcomer", 1, Ttl);
        await Task.Delay(200);

        Assert.Equal((ReservationStatus.InsufficientStock, 0), (newcomer.Status, newcomer.Quantity));
        Assert.False(tooMuch.IsCompleted);
        probe.Open();
        Assert.True((await resized).IsHeld);
        Assert.Equal((ReservationStatus.InsufficientStock, 5), ((await tooMuch).Status, (await tooMuch).Quantity));
    }

    [Fact]
    public async Task ReserveAsync_WhenTheJournalFails_AcknowledgesNothingAndTheNextActivationStartsFromTheJournal()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        var probe = cluster.Journal.Watch(Stream);
        using var acting = ClusterFixture.ActAs(_tenant);

        probe.Failing = true;
        await Assert.ThrowsAsync<NotDurableException>(() => stock.ReserveAsync("lost", 4, Ttl));
        probe.Failing = false;

        await Eventually.HoldsAsync(async () => (await TryGetAsync(stock))?.Reserved == 0);
        Assert.Equal(ReservationStatus.Unknown, (await stock.ReleaseAsync("lost")).Status);
        Assert.Equal(ReservationStatus.Reserved, (await stock.ReserveAsync("again", 10, Ttl)).Status);
    }

    [Fact]
    public async Task ReserveAsync_AfterAnotherActivationWroteTheNextVersion_IsRefusedAndTheRetrySeesTheOtherWrite()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var acting = ClusterFixture.ActAs(_tenant);
        Assert.True((await stock.ReserveAsync("mine", 1, Ttl)).IsHeld);

        // A duplicate activation elsewhere decided on the same numbers and wrote first.
        var history = await cluster.Journal.LoadAsync(Stream);
        var foreign = new StockChange(StockChangeKind.Hold, cluster.Now, "other-activation", "theirs", 9, cluster.Now + Ttl);
        await cluster.Journal.WriteAsAnotherActivationAsync(new StockJournalBatch(Stream, history.Version + 1, [foreign], [], null));

        await Assert.ThrowsAsync<NotDurableException>(() => stock.ReserveAsync("late", 1, Ttl));

        // The stale activation is gone: the retry decides on the journal's numbers, where nothing is left.
        var retry = await NotDurableRetry.RunAsync(() => stock.ReserveAsync("late", 1, Ttl));
        Assert.Equal(ReservationStatus.InsufficientStock, retry.Status);
        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 10, 10, 0, true), await stock.GetAsync());
    }

    [Fact]
    public async Task ReserveAsync_With10000ReservationsHeld_WritesOnlyItsOwnChange()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 20_000);
        var probe = cluster.Journal.Watch(Stream);
        using var acting = ClusterFixture.ActAs(_tenant);
        for (var wave = 0; wave < 10; wave++)
        {
            await Task.WhenAll(Enumerable.Range(0, 1_000).Select(i => stock.ReserveAsync($"hold-{wave}-{i}", 1, Ttl)));
        }

        var before = probe.Written.Count;
        Assert.True((await stock.ReserveAsync("one-more", 1, Ttl)).IsHeld);

        var batch = Assert.Single(probe.Written.Skip(before));
        Assert.Single(batch.Changes);
        Assert.Null(batch.Snapshot);
        // Snapshots, the only writes that grow with the entry, come only after as many changes again as the entry
        // holds: over the whole run they serialize at most one record per change.
        var snapshotRecords = probe.Written.Where(b => b.Snapshot is not null).Sum(b => b.Snapshot!.Held.Count + b.Snapshot.Settled.Count);
        Assert.InRange(snapshotRecords, 0, probe.Written.Sum(b => b.Changes.Count));
        Assert.Equal(10_001, (await stock.GetAsync()).Reserved);
    }

    [Fact]
    public async Task ReserveManyAsync_CrossingASnapshotMidCall_WritesBothBatchesInOrder()
    {
        // 999 adjustments (the entry's stock included) and nothing held: the call's first reservation is the 1,000th
        // change, so a snapshot closes its batch in the middle of the call, and the second reservation starts the
        // next batch. Both must reach the journal, in order, or the second would wait for its predecessor forever.
        var stock = await cluster.StockAsync(_tenant, Sku, 5_000);
        using var acting = ClusterFixture.ActAs(_tenant);
        for (var i = 0; i < 998; i++)
        {
            await stock.AdjustAsync(new StockAdjustment(Delta: 1, SetOnHand: null, SafetyStock: null, Reason: "recount"));
        }

        var probe = cluster.Journal.Watch(Stream);
        var answers = await stock.ReserveManyAsync([new ReservationRequest("first", 1, Ttl), new ReservationRequest("second", 1, Ttl)]);

        Assert.All(answers, answer => Assert.Equal(ReservationStatus.Reserved, answer.Status));
        Assert.Equal([1, 1], probe.Written.Select(batch => batch.Changes.Count));
        var (closed, next) = (probe.Written.First(), probe.Written.Last());
        Assert.Equal(closed.Version + 1, next.Version);
        Assert.Equal(["first"], closed.Snapshot!.Held.Keys);
        Assert.Null(next.Snapshot);
        var stored = (await cluster.Journal.LoadAsync(Stream)).ToState();
        Assert.Equal(["first", "second"], stored.Held.Keys.Order());
        Assert.Equal(2, (await stock.GetAsync()).Reserved);
    }

    [Fact]
    public async Task Snapshot_ComesAfterTwiceAsManyChangesAsTheEntryRemembers()
    {
        // 1 + 1,500 + 1,500 changes, the entry remembering 1,500 reservations: one snapshot, at the 3,000th change
        // (a fixed beat of StockGrain.SnapshotEvery would have written three, each of 1,000-1,500 records).
        var stock = await cluster.StockAsync(_tenant, Sku, 2_000);
        var probe = cluster.Journal.Watch(Stream);
        using var acting = ClusterFixture.ActAs(_tenant);
        var ids = Enumerable.Range(0, 1_500).Select(i => $"r-{i}").ToList();
        foreach (var wave in ids.Chunk(500))
        {
            await Task.WhenAll(wave.Select(id => stock.ReserveAsync(id, 1, Ttl)));
        }

        Assert.DoesNotContain(probe.Written, b => b.Snapshot is not null);
        foreach (var wave in ids.Chunk(500))
        {
            await Task.WhenAll(wave.Select(stock.ReleaseAsync));
        }

        // Taken with the batch that crossed 3,000 changes: the last release or two may come after it.
        var snapshot = Assert.Single(probe.Written, b => b.Snapshot is not null).Snapshot!;
        Assert.Equal(1_500, snapshot.Held.Count + snapshot.Settled.Count);
        Assert.InRange(snapshot.Settled.Count, 1_499, 1_500);
    }

    [Fact]
    public async Task ReserveAsync_WhenSoldOut_AnswersFromMemoryWithoutWriting()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 1);
        var probe = cluster.Journal.Watch(Stream);
        using var acting = ClusterFixture.ActAs(_tenant);
        Assert.True((await stock.ReserveAsync("winner", 1, Ttl)).IsHeld);
        var writes = probe.Attempts.Count;

        var losers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => stock.ReserveAsync($"late-{i}", 1, Ttl)));

        Assert.All(losers, result => Assert.Equal(ReservationStatus.InsufficientStock, result.Status));
        Assert.Equal(writes, probe.Attempts.Count);
    }

    [Fact]
    public async Task Reactivation_AfterThousandsOfChanges_RestoresTheSameNumbersFromSnapshotAndTail()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 5_000);
        using var acting = ClusterFixture.ActAs(_tenant);
        var reserved = await Task.WhenAll(Enumerable.Range(0, 2_500).Select(i => stock.ReserveAsync($"r-{i}", 1, Ttl)));
        await Task.WhenAll(reserved.Where((_, i) => i % 3 == 0).Select(r => stock.ConfirmAsync(r.ReservationId)));
        await Task.WhenAll(reserved.Where((_, i) => i % 3 == 1).Select(r => stock.ReleaseAsync(r.ReservationId)));
        var level = await stock.GetAsync();

        await cluster.Cluster.DeactivateAsync(stock);

        Assert.Equal(level, await stock.GetAsync());
        Assert.Equal(ReservationStatus.Confirmed, (await stock.ConfirmAsync("r-0")).Status);
        Assert.Equal(ReservationStatus.Released, (await stock.ConfirmAsync("r-1")).Status);
        Assert.Equal(ReservationStatus.Reserved, (await stock.ReserveAsync("r-2", 1, Ttl)).Status);
    }

    [Fact]
    public async Task GetLedgerAsync_AfterRandomOperations_SumsToOnHandAndPagesWithoutGapsOrRepeats()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 50);
        using var acting = ClusterFixture.ActAs(_tenant);
        var random = new Random(20261123);
        for (var step = 0; step < 300; step++)
        {
            var id = $"r-{random.Next(40)}";
            switch (random.Next(5))
            {
                case 0:
                    await stock.ReserveAsync(id, random.Next(1, 4), Ttl);
                    break;
                case 1:
                    await stock.ConfirmAsync(id);
                    break;
                case 2:
                    await stock.ReleaseAsync(id);
                    break;
                case 3:
                    await TryAdjustAsync(stock, new StockAdjustment(random.Next(-5, 10) is var d && d != 0 ? d : 1, null, null, "count"));
                    break;
                default:
                    cluster.Time.Advance(TimeSpan.FromMinutes(3));
                    await stock.GetAsync();
                    break;
            }
        }

        var lines = new List<LedgerEntry>();
        long? before = null;
        do
        {
            var page = await stock.GetLedgerAsync(before, 7);
            lines.AddRange(page.Entries);
            before = page.NextBefore;
        }
        while (before is not null);

        var level = await stock.GetAsync();
        Assert.Equal(level.OnHand, lines.Sum(line => line.Delta));
        Assert.Equal(Enumerable.Range(1, lines.Count).Select(i => (long)i).Reverse(), lines.Select(line => line.Sequence));
        Assert.Equal(level.OnHand, lines[0].OnHandAfter);
        Assert.Contains(lines, line => line.Kind == LedgerKinds.Sale);
        Assert.Contains(lines, line => line.Kind == LedgerKinds.ExpiryRelease && line.Actor == "system:expiry");
        Assert.Contains(lines, line => line.Kind == LedgerKinds.Adjustment && line.Actor == ClusterFixture.Actor && line.Reason == "count");
    }

    [Theory]
    [InlineData(0L, 10)]
    [InlineData(null, 0)]
    [InlineData(null, 501)]
    public async Task GetLedgerAsync_BadPage_IsRefused(long? before, int take)
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 1);
        using var acting = ClusterFixture.ActAs(_tenant);
        await StoreAssert.RefusedAsync(RuleCodes.InvalidQuantity, () => stock.GetLedgerAsync(before, take));
    }

    private static async Task TryAdjustAsync(IStockGrain stock, StockAdjustment adjustment)
    {
        try
        {
            await stock.AdjustAsync(adjustment);
        }
        catch (StoreRuleException refused) when (refused.Code == RuleCodes.OnHandBelowReserved)
        {
            // A random decrease below what is reserved is refused and changes nothing: still a valid step.
        }
    }

    private static async Task<StockLevel?> TryGetAsync(IStockGrain stock)
    {
        try
        {
            return await stock.GetAsync();
        }
        catch (NotDurableException)
        {
            return null;
        }
    }
}
