using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging.Abstractions;
using MultiStore.Cluster.Tests.Hosting;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Stock;
using MultiStore.Grains.Stock.Journal;

namespace MultiStore.Cluster.Tests.Stock;

/// <summary>
/// <see cref="PostgresStockJournal"/> on a real PostgreSQL database made by the production
/// <see cref="Grains.Persistence.SchemaMigrator"/>: the ledger pages newest first, one stream of one service only,
/// and only the lines of batches the version fence let in; loads batched together still return each stream its own.
/// </summary>
public sealed class PostgresStockJournalTests : IAsyncLifetime
{
    private const string Stream = "t-ledger/SKU-1@main";

    // Whole milliseconds: PostgreSQL keeps microseconds, and the lines must read back equal.
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());

    private TestDatabase? _database;

    private TestDatabase Database => _database!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync();

    public async Task DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }

    [Fact]
    public async Task ReadLedgerAsync_PagedWithBeforeAndTake_ReturnsEveryLineOnceNewestFirst()
    {
        await using var journal = Journal("svc-a");
        // Seven lines in three batches, as group commits write them: 1-3, 4-5, 6-7.
        var lines = Enumerable.Range(1, 7).Select(sequence => Line(sequence, delta: sequence, reservationId: sequence % 2 == 0 ? $"r{sequence}" : null)).ToList();
        await journal.AppendAsync(Batch(Stream, 1, lines[0..3]));
        await journal.AppendAsync(Batch(Stream, 2, lines[3..5]));
        await journal.AppendAsync(Batch(Stream, 3, lines[5..7]));

        Assert.Equal([7L, 6L, 5L], Sequences(await journal.ReadLedgerAsync(Stream, before: null, take: 3)));
        Assert.Equal([4L, 3L, 2L], Sequences(await journal.ReadLedgerAsync(Stream, before: 5, take: 3)));
        Assert.Equal([1L], Sequences(await journal.ReadLedgerAsync(Stream, before: 2, take: 3)));
        Assert.Empty(await journal.ReadLedgerAsync(Stream, before: 1, take: 3));
        Assert.Equal([5L, 4L], Sequences(await journal.ReadLedgerAsync(Stream, before: 6, take: 2)));
        // Every field reads back as it was written (nulls too), newest first.
        Assert.Equal(Enumerable.Reverse(lines), await journal.ReadLedgerAsync(Stream, before: null, take: 100));
    }

    [Fact]
    public async Task AppendAsync_AfterTransactionsPostgreSqlRefused_WritesTheNextOne()
    {
        await using var journal = Journal("svc-refused");
        // PostgreSQL refuses text with a NUL in it; callers cannot send one any more (ReservationRequest.EnsureId,
        // Actors.ActorName), but any refused statement must leave the writer able to go on.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => journal.AppendAsync(Batch("t-refused/SKU-1@main", 1, [Line(1, delta: 1, reason: "bad\u0000reason")])));
        }

        var line = Line(1, delta: 5);
        await journal.AppendAsync(Batch("t-refused/SKU-2@main", 1, [line]));

        Assert.Equal([line], await journal.ReadLedgerAsync("t-refused/SKU-2@main", before: null, take: 100));
    }

    [Fact]
    public async Task ReadLedgerAsync_ReadsOnlyTheGivenStreamOfItsOwnService()
    {
        await using var journal = Journal("svc-a");
        await using var otherService = Journal("svc-b");
        await journal.AppendAsync(Batch(Stream, 1, [Line(1, delta: 10), Line(2, delta: 1)]));
        // Same tenant and SKU in another zone, another tenant's same SKU, and the same stream in another service.
        await journal.AppendAsync(Batch("t-ledger/SKU-1@east", 1, [Line(1, delta: 20), Line(2, delta: 2), Line(3, delta: 3)]));
        await journal.AppendAsync(Batch("t-other/SKU-1@main", 1, [Line(1, delta: 30)]));
        await otherService.AppendAsync(Batch(Stream, 1, [Line(1, delta: 40), Line(2, delta: 4), Line(3, delta: 5)]));

        Assert.Equal([(2L, 1), (1L, 10)], Deltas(await journal.ReadLedgerAsync(Stream, before: null, take: 100)));
        Assert.Equal([(3L, 5), (2L, 4), (1L, 40)], Deltas(await otherService.ReadLedgerAsync(Stream, before: null, take: 100)));
        Assert.Equal([(3L, 3), (2L, 2), (1L, 20)], Deltas(await journal.ReadLedgerAsync("t-ledger/SKU-1@east", before: null, take: 100)));
        Assert.Empty(await journal.ReadLedgerAsync("t-ledger/SKU-1@west", before: null, take: 100));
        Assert.Empty(await otherService.ReadLedgerAsync("t-other/SKU-1@main", before: null, take: 100));
    }

    [Fact]
    public async Task ReadLedgerAsync_AfterTheFenceRefusedABatch_HasNoneOfItsLines()
    {
        // Two activations of one entry: the stale one writes version 1 after the live one did.
        await using var live = Journal("svc-a");
        await using var stale = Journal("svc-a");
        var kept = Line(1, delta: 10);
        await live.AppendAsync(Batch(Stream, 1, [kept]));

        // Its lines carry sequences the stream does not have yet, so only the fence can keep them out.
        await Assert.ThrowsAsync<StockJournalConflictException>(() => stale.AppendAsync(Batch(Stream, 1, [Line(2, delta: 99, reason: "stale"), Line(3, delta: 99, reason: "stale")])));
        Assert.Equal([kept], await live.ReadLedgerAsync(Stream, before: null, take: 100));

        // The live activation carries on with sequence 2, which the refused batch never took.
        var next = Line(2, delta: -1);
        await live.AppendAsync(Batch(Stream, 2, [next]));
        Assert.Equal([next, kept], await stale.ReadLedgerAsync(Stream, before: null, take: 100));
    }

    [Fact]
    public async Task LoadAsync_ManyStreamsAtOnce_EachGetsExactlyItsOwnHistory()
    {
        await using var journal = Journal("svc-a");
        await using var otherService = Journal("svc-b");
        var streams = Enumerable.Range(0, 300).Select(i => $"t-load/SKU-{i}@main").ToList();
        // Stream i has i % 4 batches; every tenth stream's last batch also carries a snapshot.
        await Task.WhenAll(streams.Select(async (stream, i) =>
        {
            for (var version = 1; version <= i % 4; version++)
            {
                var snapshot = i % 10 == 0 && version == i % 4 ? new StockSnapshot(1_000 + i, 0, true, 0, new Dictionary<string, HeldReservation>(), new Dictionary<string, SettledReservation>(), null) : null;
                await journal.AppendAsync(Batch(stream, version, [Line(version, delta: version)]) with { Snapshot = snapshot });
            }
        }));
        await otherService.AppendAsync(Batch(streams[1], 1, [Line(1, delta: 99)]));

        // Loaded all at once, so they share round trips.
        var histories = await Task.WhenAll(streams.Select(stream => journal.LoadAsync(stream)));

        for (var i = 0; i < streams.Count; i++)
        {
            var (history, batches) = (histories[i], i % 4);
            Assert.Equal(batches, history.Version);
            if (i % 10 == 0 && batches > 0)
            {
                Assert.Equal((1_000 + i, (long)batches), (history.Snapshot!.OnHand, history.SnapshotVersion));
                Assert.Empty(history.ChangesAfterSnapshot);
            }
            else
            {
                Assert.Null(history.Snapshot);
                Assert.Equal(Enumerable.Range(1, batches).Select(version => version * 100), history.ChangesAfterSnapshot.Select(change => change.OnHand));
            }
        }
    }

    [Fact]
    public async Task LoadAsync_EveryKindOfChange_ReadsBackExactlyAsWritten()
    {
        // Empty fields are left out of the stored JSON; zeros and nulls must come back as they went in, and so must
        // every field that is set (a hold's status is Unknown, not the enum's zero).
        StockChange[] changes =
        [
            new(StockChangeKind.Set, Start, "user:a", OnHand: 40, SafetyStock: 3, Reason: "delivery"),
            new(StockChangeKind.Set, Start, "user:a", OnHand: 0, Reason: "zeroed"),
            new(StockChangeKind.Hold, Start, "anonymous", "r-1", 2, Start.AddMinutes(15)),
            new(StockChangeKind.Settle, Start, "user:b", "r-1", Outcome: ReservationStatus.Confirmed),
            new(StockChangeKind.Settle, Start, "system:expiry", "r-2", Outcome: ReservationStatus.Expired),
            new(StockChangeKind.Return, Start, "user:b", "r-1", Reason: "payment reversed"),
            new(StockChangeKind.Reorder, Start, "user:c", ReorderPoint: 0),
            new(StockChangeKind.Reorder, Start, "user:c", ReorderPoint: null),
        ];
        var journal = Journal("svc-shapes");
        await journal.AppendAsync(new StockJournalBatch(Stream, 1, changes, [], Snapshot: null));

        var history = await Journal("svc-shapes").LoadAsync(Stream);

        Assert.Equal(changes, history.ChangesAfterSnapshot);
    }

    [Fact]
    public async Task AppendAsync_StoresTheJsonEarlierReleasesWrote()
    {
        // Rows written before the journal's JSON was generated at compile time must read back, and new rows must
        // read the same to anything that reads the table: the text is compared with what reflection wrote.
        StockChange[] changes =
        [
            new(StockChangeKind.Set, Start, "user:ä\"quoted\"", OnHand: 40, SafetyStock: 3, Reason: "<delivery> & co"),
            new(StockChangeKind.Hold, Start, "anonymous", "r-1", 2, Start.AddMinutes(15)),
            new(StockChangeKind.Settle, Start, "user:b", "r-1", Outcome: ReservationStatus.Confirmed),
            new(StockChangeKind.Reorder, Start, "user:c", ReorderPoint: 0),
        ];
        var snapshot = new StockSnapshot(
            40, 3, true, 7,
            new Dictionary<string, HeldReservation> { ["r-2"] = new(5, Start.AddMinutes(15)) },
            new Dictionary<string, SettledReservation> { ["r-1"] = new(ReservationStatus.Confirmed, 2, Start) },
            ReorderPoint: 4);
        var reflection = new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
        await using var journal = Journal("svc-format");
        await journal.AppendAsync(new StockJournalBatch(Stream, 1, changes, [], snapshot));

        var stored = await Database.ScalarAsync<string>(
            "SELECT changes FROM multistore_stock_batches WHERE service_id = 'svc-format' AND stream = @stream AND version = 1", ("stream", Stream));
        var sameSnapshot = await Database.ScalarAsync<bool>(
            "SELECT snapshot = @expected::jsonb FROM multistore_stock_snapshots WHERE service_id = 'svc-format' AND stream = @stream",
            ("stream", Stream), ("expected", JsonSerializer.Serialize(snapshot, reflection)));
        var history = await journal.LoadAsync(Stream);

        Assert.Equal(JsonSerializer.Serialize<IReadOnlyList<StockChange>>(changes, reflection), stored);
        Assert.True(sameSnapshot);
        Assert.Equal(snapshot.Held, history.Snapshot!.Held);
        Assert.Equal(snapshot.Settled, history.Snapshot.Settled);
        Assert.Equal((40, 3, true, 7L, (int?)4), (history.Snapshot.OnHand, history.Snapshot.SafetyStock, history.Snapshot.IsStocked, history.Snapshot.LedgerSequence, history.Snapshot.ReorderPoint));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AppendAsync_OneBatchPostgreSqlRefusesAmongMany_FailsOnlyThatOne(bool halfACharacter)
    {
        // Appends queued together share transactions. A value PostgreSQL refuses (a NUL), or one its client cannot
        // encode (half of a two-part character: the client refuses it before PostgreSQL sees it), fails the whole
        // transaction; callers cannot send either any more, but its neighbours must still be written.
        var poison = halfACharacter ? "bad\uD83D" : "bad\u0000reason";
        await using var journal = Journal($"svc-poison-{halfACharacter}");
        var streams = Enumerable.Range(0, 200).Select(i => $"t-poison/SKU-{i}@main").ToList();
        var poisoned = streams[137];
        var appends = streams
            .Select(stream => (Stream: stream, Write: journal.AppendAsync(Batch(stream, 1, [Line(1, delta: 3, reason: stream == poisoned ? poison : "ok")]))))
            .ToList();

        foreach (var (stream, write) in appends)
        {
            if (stream == poisoned)
            {
                await Assert.ThrowsAnyAsync<Exception>(() => write);
                Assert.Empty(await journal.ReadLedgerAsync(stream, before: null, take: 10));
            }
            else
            {
                await write;
                Assert.Equal([(1L, 3)], Deltas(await journal.ReadLedgerAsync(stream, before: null, take: 10)));
            }
        }
    }

    [Fact]
    public async Task AppendAsync_ManyEntriesAtOnceSomeFenced_FailsExactlyTheFencedOnes()
    {
        // Appends queued together share transactions; each caller must hear of its own batch, never a neighbour's.
        await using var earlier = Journal("svc-mixed");
        var streams = Enumerable.Range(0, 200).Select(i => $"t-mixed/SKU-{i}@main").ToList();
        var fenced = streams.Where((_, i) => i % 3 == 0).ToHashSet();
        foreach (var stream in fenced)
        {
            await earlier.AppendAsync(Batch(stream, 1, [Line(1, delta: 1)]));
        }

        await using var journal = Journal("svc-mixed");
        var appends = streams.Select(stream => (Stream: stream, Write: journal.AppendAsync(Batch(stream, 1, [Line(1, delta: 2)])))).ToList();

        foreach (var (stream, write) in appends)
        {
            if (fenced.Contains(stream))
            {
                await Assert.ThrowsAsync<StockJournalConflictException>(() => write);
                Assert.Equal([(1L, 1)], Deltas(await journal.ReadLedgerAsync(stream, before: null, take: 10)));
            }
            else
            {
                await write;
                Assert.Equal([(1L, 2)], Deltas(await journal.ReadLedgerAsync(stream, before: null, take: 10)));
            }
        }
    }

    [Fact]
    public async Task Write_OpenBatch_TakesEveryChangeAddedUntilSealedAndTheNextBatchTheRest()
    {
        // An entry keeps adding to its handed-over batch while the journal works; each change must land in exactly
        // one batch: the sealed one if it was added in time, otherwise the next.
        await using var journal = Journal("svc-open");
        var first = new OpenStockBatch(Stream, 1, predecessor: null);
        Assert.True(first.TryAdd(Set(0), line: null, wakeUp: null, snapshot: null));
        journal.Write(first);
        var inFirst = new List<int> { 0 };
        var refused = new List<int>();
        var adding = Stopwatch.StartNew();
        for (var i = 1; refused.Count < 3 && adding.Elapsed < TimeSpan.FromSeconds(10); i++)
        {
            (first.TryAdd(Set(i), line: null, wakeUp: null, snapshot: null) ? inFirst : refused).Add(i);
            Thread.Yield();
        }

        Assert.Equal(3, refused.Count);
        await first.Durable;
        Assert.False(first.TryAdd(Set(-1), line: null, wakeUp: null, snapshot: null));
        var second = new OpenStockBatch(Stream, 2, predecessor: first);
        foreach (var i in refused)
        {
            Assert.True(second.TryAdd(Set(i), line: null, wakeUp: null, snapshot: null));
        }

        journal.Write(second);
        await second.Durable;

        var history = await journal.LoadAsync(Stream);
        Assert.Equal(2, history.Version);
        Assert.Equal([.. inFirst, .. refused], history.ChangesAfterSnapshot.Select(change => change.OnHand));
    }

    [Fact]
    public async Task Write_BatchAfterOneTheFenceRefused_IsRefusedToo_AndNeverWritten()
    {
        // A stale activation's version 1 is refused; its version 2, handed over before that was known, is free in the
        // table but must not be written: it was decided on top of the refused one.
        await using var live = Journal("svc-chain");
        await live.AppendAsync(Batch(Stream, 1, [Line(1, delta: 1)]));

        await using var stale = Journal("svc-chain");
        var refused = new OpenStockBatch(Stream, 1, predecessor: null);
        refused.TryAdd(Set(50), Line(1, delta: 50, reason: "stale"), wakeUp: null, snapshot: null);
        var follower = new OpenStockBatch(Stream, 2, predecessor: refused);
        follower.TryAdd(Set(60), Line(2, delta: 10, reason: "stale"), wakeUp: null, snapshot: null);
        stale.Write(refused);
        stale.Write(follower);

        await Assert.ThrowsAsync<StockJournalConflictException>(() => refused.Durable);
        await Assert.ThrowsAsync<StockJournalConflictException>(() => follower.Durable);
        Assert.Equal(1, (await live.LoadAsync(Stream)).Version);
        Assert.Equal([(1L, 1)], Deltas(await live.ReadLedgerAsync(Stream, before: null, take: 10)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Write_TwoBatchesOfOneVersionInOneTransaction_OnlyOneIsAcknowledged(bool withLedgerLines)
    {
        // Two activations of one entry on one silo (one still draining) hand over the same version. Both wait for the
        // same predecessor, so they become ready together and travel in one transaction. Without ledger lines (holds
        // only) nothing else in the statement collides, and both used to be reported written.
        await using var journal = Journal("svc-twins");
        var predecessor = new OpenStockBatch(Stream, 1, predecessor: null);
        predecessor.TryAdd(Set(10), Line(1, delta: 10), wakeUp: null, snapshot: null);
        var (old, young) = (new OpenStockBatch(Stream, 2, predecessor), new OpenStockBatch(Stream, 2, predecessor));
        old.TryAdd(Set(11), withLedgerLines ? Line(2, delta: 1, reason: "old") : null, wakeUp: null, snapshot: null);
        young.TryAdd(Set(12), withLedgerLines ? Line(2, delta: 2, reason: "young") : null, wakeUp: null, snapshot: null);
        journal.Write(predecessor);
        journal.Write(old);
        journal.Write(young);

        await predecessor.Durable;
        await old.Durable;
        await Assert.ThrowsAsync<StockJournalConflictException>(() => young.Durable);
        var history = await journal.LoadAsync(Stream);
        Assert.Equal(2, history.Version);
        Assert.Equal([10, 11], history.ChangesAfterSnapshot.Select(change => change.OnHand));
        Assert.Equal(withLedgerLines ? [(2L, 1), (1L, 10)] : [(1L, 10)], Deltas(await journal.ReadLedgerAsync(Stream, before: null, take: 10)));
    }

    [Fact]
    public async Task Write_BatchFailedBeforeItWasSent_IsNeverWritten()
    {
        // An entry that broke fails its open batch itself; handed over anyway, the journal must not store it.
        await using var journal = Journal("svc-failed");
        var failed = new OpenStockBatch(Stream, 1, predecessor: null);
        failed.TryAdd(Set(7), Line(1, delta: 7), wakeUp: null, snapshot: null);
        failed.Fail(new InvalidOperationException("broken entry (test)"));
        journal.Write(failed);
        await journal.AppendAsync(Batch("t-ledger/SKU-2@main", 1, [Line(1, delta: 1)]));

        await Assert.ThrowsAsync<InvalidOperationException>(() => failed.Durable);
        Assert.Equal(0, (await journal.LoadAsync(Stream)).Version);
        Assert.Empty(await journal.ReadLedgerAsync(Stream, before: null, take: 10));
    }

    [Fact]
    public async Task DueAsync_OfTwoShares_ReturnsEveryDueStreamOfItsServiceOnceBetweenThem()
    {
        await using var journal = Journal("svc-shares");
        await using var otherService = Journal("svc-shares-b");
        var due = Enumerable.Range(0, 40).Select(i => $"t-share/SKU-{i}@main").ToList();
        foreach (var stream in due)
        {
            await journal.AppendAsync(WakeUpBatch(stream, 1, Start.AddMinutes(-1)));
        }

        await journal.AppendAsync(WakeUpBatch("t-share/LATER@main", 1, Start.AddMinutes(1)));
        await otherService.AppendAsync(WakeUpBatch("t-share/SKU-0@main", 1, Start.AddMinutes(-1)));

        var first = (await journal.DueAsync(Start, 100, new WakeUpShare(0, 2))).Select(wakeUp => wakeUp.Stream).ToList();
        var second = (await journal.DueAsync(Start, 100, new WakeUpShare(1, 2))).Select(wakeUp => wakeUp.Stream).ToList();

        Assert.NotEmpty(first);
        Assert.NotEmpty(second);
        Assert.Empty(first.Intersect(second));
        Assert.Equal(due.Order(StringComparer.Ordinal), first.Concat(second).Order(StringComparer.Ordinal));
        Assert.Equal(due.Order(StringComparer.Ordinal), (await journal.DueAsync(Start, 100)).Select(wakeUp => wakeUp.Stream).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PostponeAsync_MovesTheRowOnlyAtTheVersionRead_AndANewerWakeUpCountsAfresh()
    {
        await using var journal = Journal("svc-postpone");
        await journal.AppendAsync(WakeUpBatch(Stream, 1, Start.AddMinutes(-1)));
        var read = Assert.Single(await journal.DueAsync(Start, 10));
        Assert.Equal(new DueWakeUp(Stream, 1, 0), read);

        await journal.PostponeAsync([new PostponedWakeUp(Stream, 1, 1, Start.AddSeconds(10))]);
        Assert.Empty(await journal.DueAsync(Start, 10));
        Assert.Equal(new DueWakeUp(Stream, 1, 1), Assert.Single(await journal.DueAsync(Start.AddSeconds(10), 10)));

        // A batch wrote a newer wake-up time meanwhile: a postponement read before it changes nothing, and the new
        // wake-up time starts with no failures.
        await journal.AppendAsync(WakeUpBatch(Stream, 2, Start.AddSeconds(-5)));
        await journal.PostponeAsync([new PostponedWakeUp(Stream, 1, 2, Start.AddMinutes(5))]);
        Assert.Equal(new DueWakeUp(Stream, 2, 0), Assert.Single(await journal.DueAsync(Start, 10)));
    }

    private static StockJournalBatch WakeUpBatch(string stream, long version, DateTimeOffset? at) =>
        new(stream, version, [], [], null, new StockWakeUp(at));

    private static StockChange Set(int onHand) => new(StockChangeKind.Set, Start, "user:journal-tests", OnHand: onHand, Reason: "recount");

    private PostgresStockJournal Journal(string serviceId) => new(Database.DataSource, serviceId, NullLogger<PostgresStockJournal>.Instance);

    /// <summary>An adjustment line; its numbers need not add up, since only what is stored and read back is checked.</summary>
    private static LedgerEntry Line(long sequence, int delta, string? reason = "recount", string? reservationId = null) =>
        new(sequence, Start.AddSeconds(sequence), LedgerKinds.Adjustment, delta, (int)sequence * 100, reason, "user:journal-tests", reservationId);

    /// <summary>A batch whose changes set on-hand to each line's on-hand-after (the journal does not read them back here).</summary>
    private static StockJournalBatch Batch(string stream, long version, IReadOnlyList<LedgerEntry> lines) =>
        new(stream, version, [.. lines.Select(line => new StockChange(StockChangeKind.Set, line.At, line.Actor, OnHand: line.OnHandAfter, Reason: line.Reason))], lines, Snapshot: null);

    private static IEnumerable<long> Sequences(IEnumerable<LedgerEntry> lines) => lines.Select(line => line.Sequence);

    private static IEnumerable<(long Sequence, int Delta)> Deltas(IEnumerable<LedgerEntry> lines) => lines.Select(line => (line.Sequence, line.Delta));
}
