using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Stock;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// Retry-safe adjustments: a delta with an idempotency key is applied once, whatever the retries, concurrent or after
/// the entry was reloaded from its journal; the key is remembered in the same batch as the change, per entry, for a
/// bounded time and number; and the same key for a different request is refused.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AdjustmentKeyTests(ClusterFixture cluster)
{
    private const string Sku = "KEYED-SKU";
    private const string Key = "3f2504e0-4f89-11d3-9a0c-0305e82c3301";
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private string Stream => TenantKey.For(_tenant, StockEntryId.Format(Sku, ClusterFixture.DefaultZone));

    public static TheoryData<int, string> OtherRequests => new()
    {
        { 6, "receive: delivery" },
        { -5, "receive: delivery" },
        { 5, "return: delivery" },
        { 5, "delivery" },
    };

    public static TheoryData<string> MalformedKeys => new() { "", new string('k', StockAdjustment.MaxKeyLength + 1), "schlüssel", "a\nb", "tab\tkey", "bell\u0007" };

    [Fact]
    public async Task AdjustAsync_RepeatedKey_AppliesOnceAndAnswersTheCurrentLevel()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);

        var first = await stock.AdjustAsync(Keyed(5));
        await stock.ReserveAsync("r-1", 2, TimeSpan.FromMinutes(5));
        var repeat = await stock.AdjustAsync(Keyed(5));

        Assert.Equal(15, first.OnHand);
        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 15, 2, 0, true), repeat);
        Assert.Equal(repeat, await stock.GetAsync());
        var lines = (await stock.GetLedgerAsync(null, 10)).Entries;
        Assert.Equal([5, 10], lines.Select(line => line.Delta));
    }

    [Theory]
    [MemberData(nameof(OtherRequests))]
    public async Task AdjustAsync_SameKeyForAnotherDeltaOrReason_IsRefusedAndChangesNothing(int delta, string reason)
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.AdjustAsync(Keyed(5));

        var refusal = await StoreAssert.RefusedAsync(RuleCodes.IdempotencyKeyReused, () => stock.AdjustAsync(Keyed(delta, reason: reason)));

        Assert.Contains("delta of 5", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(15, (await stock.GetAsync()).OnHand);
        Assert.Equal(2, (await stock.GetLedgerAsync(null, 10)).Entries.Count);
    }

    [Theory]
    [MemberData(nameof(MalformedKeys))]
    public async Task AdjustAsync_MalformedKey_IsRefusedAsInvalidIdAndChangesNothing(string key)
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);

        await StoreAssert.RefusedAsync(RuleCodes.InvalidId, () => stock.AdjustAsync(Keyed(5, key)));

        Assert.Equal(10, (await stock.GetAsync()).OnHand);
    }

    [Fact]
    public async Task AdjustAsync_KeyWithAnAbsoluteOnHandOrSafetyStock_IsRefusedAndChangesNothing()
    {
        // A key remembers a delta and a reason; a retry of anything more could not be told from a different request.
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);

        await StoreAssert.RefusedAsync(RuleCodes.InvalidQuantity, () => stock.AdjustAsync(new StockAdjustment(null, 20, null, "recount", Key)));
        await StoreAssert.RefusedAsync(RuleCodes.InvalidQuantity, () => stock.AdjustAsync(new StockAdjustment(5, null, 2, "delivery", Key)));

        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 10, 0, 0, true), await stock.GetAsync());
        // Nothing was remembered either: the key is still free for a delta.
        Assert.Equal(15, (await stock.AdjustAsync(Keyed(5))).OnHand);
    }

    [Fact]
    public async Task AdjustAsync_RepeatAfterReactivation_IsFoundInTheJournalAndAppliesNothing()
    {
        // The answer to the first call was lost (a timeout, a silo that left): the retry reaches a fresh activation.
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.AdjustAsync(Keyed(5));

        await cluster.Cluster.DeactivateAsync(stock);

        Assert.Equal(15, (await stock.AdjustAsync(Keyed(5))).OnHand);
        await StoreAssert.RefusedAsync(RuleCodes.IdempotencyKeyReused, () => stock.AdjustAsync(Keyed(4)));
        Assert.Equal(15, (await stock.GetAsync()).OnHand);
    }

    [Fact]
    public async Task AdjustAsync_RepeatAfterReactivationFromASnapshot_AppliesNothing()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        var probe = cluster.Journal.Watch(Stream);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.AdjustAsync(Keyed(5));
        // Enough plain changes after it that a snapshot is taken: the keyed change is no longer replayed, only the
        // snapshot can still know its key.
        for (var wave = 0; wave < 4; wave++)
        {
            await Task.WhenAll(Enumerable.Range(0, StockGrain.SnapshotEvery / 4).Select(_ => stock.AdjustAsync(ClusterFixture.Delta(1))));
        }

        var snapshot = Assert.Single(probe.Written, batch => batch.Snapshot is not null).Snapshot!;
        Assert.Equal([Key], snapshot.KeyedAdjustments!.Select(keyed => keyed.Key));
        await cluster.Cluster.DeactivateAsync(stock);

        Assert.Equal(15 + StockGrain.SnapshotEvery, (await stock.AdjustAsync(Keyed(5))).OnHand);
        Assert.Equal(15 + StockGrain.SnapshotEvery, (await stock.GetAsync()).OnHand);
    }

    [Fact]
    public async Task AdjustAsync_RepeatsArrivingWhileTheFirstIsBeingWritten_WaitForItAndApplyNothing()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        var probe = cluster.Journal.Watch(Stream);
        using var _ = ClusterFixture.ActAs(_tenant);

        probe.Close();
        var first = stock.AdjustAsync(Keyed(5));
        await Eventually.HoldsAsync(() => probe.Attempts.Count == 1);
        var repeats = Enumerable.Range(0, 20).Select(_ => stock.AdjustAsync(Keyed(5))).ToList();
        await Task.Delay(200);

        // A repeat reports the first adjustment, so it is not answered before that is durable.
        Assert.False(first.IsCompleted);
        Assert.All(repeats, repeat => Assert.False(repeat.IsCompleted));

        probe.Open();
        var answers = await Task.WhenAll(repeats.Prepend(first));

        Assert.All(answers, answer => Assert.Equal(15, answer.OnHand));
        var keyed = probe.Written.SelectMany(batch => batch.Changes).Where(change => change.IdempotencyKey is not null).ToList();
        Assert.Equal(Key, Assert.Single(keyed).IdempotencyKey);
        Assert.Equal(15, (await stock.GetAsync()).OnHand);
    }

    [Fact]
    public async Task AdjustAsync_ManyCallersWithOneKeyAtOnce_ApplyItOnce()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);

        var answers = await AllAtOnce.RunAsync(Enumerable.Range(0, 50).Select(_ => (Func<Task<StockLevel>>)(() => stock.AdjustAsync(Keyed(5)))));

        Assert.All(answers, answer => Assert.Equal(15, answer.OnHand));
        Assert.Equal(15, (await stock.GetAsync()).OnHand);
        Assert.Equal(2, (await stock.GetLedgerAsync(null, 10)).Entries.Count);
    }

    [Fact]
    public async Task AdjustAsync_WhenItsBatchFails_RemembersNoKeyAndTheRetryAppliesOnce()
    {
        // The change and its key are one fact in one batch: a batch that never became durable holds neither.
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        var probe = cluster.Journal.Watch(Stream);
        using var _ = ClusterFixture.ActAs(_tenant);

        probe.Failing = true;
        await Assert.ThrowsAsync<NotDurableException>(() => stock.AdjustAsync(Keyed(5)));
        probe.Failing = false;

        Assert.Equal(15, (await NotDurableRetry.RunAsync(() => stock.AdjustAsync(Keyed(5)))).OnHand);
        Assert.Equal(15, (await stock.AdjustAsync(Keyed(5))).OnHand);
        var written = Assert.Single(probe.Written.SelectMany(batch => batch.Changes), change => change.IdempotencyKey is not null);
        Assert.Equal(15, written.OnHand);
    }

    [Fact]
    public async Task AdjustAsync_SameKeyOnAnotherEntryOrInAnotherStore_AppliesThereToo()
    {
        // Keys are per entry: another zone of the same SKU, or another store's entry of it, knows nothing of this one's.
        var other = ClusterFixture.NewTenant();
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        var east = await cluster.StockAsync(_tenant, Sku, 10, "east");
        var foreign = await cluster.StockAsync(other, Sku, 10);

        using (ClusterFixture.ActAs(_tenant))
        {
            Assert.Equal(15, (await stock.AdjustAsync(Keyed(5))).OnHand);
            Assert.Equal(15, (await east.AdjustAsync(Keyed(5))).OnHand);
        }

        using (ClusterFixture.ActAs(other))
        {
            Assert.Equal(15, (await foreign.AdjustAsync(Keyed(5))).OnHand);
        }
    }

    [Fact]
    public async Task AdjustAsync_KeyOlderThanTheRetention_CountsAsNew()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await stock.AdjustAsync(Keyed(5));

        cluster.Time.Advance(StockGrain.KeyRetention - TimeSpan.FromMinutes(1));
        Assert.Equal(15, (await stock.AdjustAsync(Keyed(5))).OnHand);
        cluster.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(20, (await stock.AdjustAsync(Keyed(5))).OnHand);
    }

    [Fact]
    public async Task AdjustAsync_AfterTheLimitOfNewerKeys_ForgetsOnlyTheOldest()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await AdjustWithKeysAsync(stock, StockBook.MaxKeyedAdjustments + 1);

        var afterKeys = 10 + StockBook.MaxKeyedAdjustments + 1;
        Assert.Equal(afterKeys, (await stock.AdjustAsync(Keyed(1, "key-1"))).OnHand);
        Assert.Equal(afterKeys + 1, (await stock.AdjustAsync(Keyed(1, "key-0"))).OnHand);

        // Reloaded from the journal (replay forgets by the same rule), the entry still knows the newest keys.
        await cluster.Cluster.DeactivateAsync(stock);
        Assert.Equal(afterKeys + 1, (await stock.AdjustAsync(Keyed(1, "key-0"))).OnHand);
        Assert.Equal(afterKeys + 1, (await stock.AdjustAsync(Keyed(1, $"key-{StockBook.MaxKeyedAdjustments}"))).OnHand);
    }

    [Fact]
    public async Task AdjustAsync_WithTheMostKeysRemembered_WritesOnlyItsOwnChange()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        var probe = cluster.Journal.Watch(Stream);
        using var _ = ClusterFixture.ActAs(_tenant);
        await AdjustWithKeysAsync(stock, StockBook.MaxKeyedAdjustments);
        var before = probe.Written.Count;

        await stock.AdjustAsync(Keyed(1, "one-more"));

        var batch = Assert.Single(probe.Written.Skip(before));
        var change = Assert.Single(batch.Changes);
        Assert.Equal("one-more", change.IdempotencyKey);
        Assert.Null(batch.Snapshot);
        // Only snapshots carry the remembered keys, and they come after twice as many changes as the entry remembers
        // keys: over the run, at most one key record per change written.
        var snapshotKeys = probe.Written.Where(b => b.Snapshot is not null).Sum(b => b.Snapshot!.KeyedAdjustments?.Count ?? 0);
        Assert.InRange(snapshotKeys, 0, probe.Written.Sum(b => b.Changes.Count));
    }

    private static StockAdjustment Keyed(int delta, string key = Key, string reason = "receive: delivery") => new(delta, null, null, reason, key);

    /// <summary>Adjusts by 1 under keys <c>key-0</c>, <c>key-1</c>, … in order (in waves, so that it is quick).</summary>
    private static async Task AdjustWithKeysAsync(IStockGrain stock, int count)
    {
        // Within a wave the order of arrival is not fixed, so the oldest key of all goes first, on its own.
        await stock.AdjustAsync(Keyed(1, "key-0"));
        foreach (var wave in Enumerable.Range(1, count - 1).Chunk(250))
        {
            await Task.WhenAll(wave.Select(i => stock.AdjustAsync(Keyed(1, $"key-{i}"))));
        }
    }
}
