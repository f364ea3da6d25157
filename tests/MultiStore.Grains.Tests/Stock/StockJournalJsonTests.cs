using System.Text.Json;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Stock;
using MultiStore.Grains.Stock.Journal;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// The journal's JSON across releases: rows written before adjustments carried idempotency keys still load (no key),
/// rows without a key are written exactly as before, and keys survive the trip through a batch and a snapshot.
/// </summary>
public sealed class StockJournalJsonTests
{
    private static readonly DateTimeOffset At = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    // As the release before keys wrote them (PostgresStockJournalTests pins the writer to that format).
    private const string ChangesBeforeKeys =
        """[{"kind":0,"at":"2030-01-01T08:00:00+00:00","actor":"user:ada","outcome":5,"onHand":15,"reason":"receive: delivery"}]""";

    private const string SnapshotBeforeKeys =
        """{"onHand":10,"safetyStock":0,"isStocked":true,"ledgerSequence":1,"held":{},"settled":{}}""";

    [Fact]
    public void Changes_WrittenBeforeKeysExisted_ReadWithNoKey()
    {
        var change = Assert.Single(ReadChanges(ChangesBeforeKeys));

        Assert.Equal(new StockChange(StockChangeKind.Set, At, "user:ada", OnHand: 15, Reason: "receive: delivery"), change);
        Assert.Null(change.IdempotencyKey);
    }

    [Fact]
    public void Changes_WithoutAKey_AreWrittenExactlyAsBefore()
    {
        var json = JsonSerializer.Serialize(ReadChanges(ChangesBeforeKeys), StockJournalJson.Default.IReadOnlyListStockChange);

        Assert.Equal(ChangesBeforeKeys, json);
    }

    [Fact]
    public void Changes_WithAKey_KeepItThroughTheJournal()
    {
        IReadOnlyList<StockChange> changes = [new(StockChangeKind.Set, At, "user:ada", OnHand: 15, Reason: "delivery", IdempotencyKey: "k-1")];

        var json = JsonSerializer.Serialize(changes, StockJournalJson.Default.IReadOnlyListStockChange);

        Assert.Contains("\"idempotencyKey\":\"k-1\"", json, StringComparison.Ordinal);
        Assert.Equal(changes, ReadChanges(json));
    }

    [Fact]
    public void Snapshot_WrittenBeforeKeysExisted_LoadsWithNoKeysAndLearnsLaterOnes()
    {
        var snapshot = JsonSerializer.Deserialize(SnapshotBeforeKeys, StockJournalJson.Default.StockSnapshot)!;
        var keyed = new StockChange(StockChangeKind.Set, At, "user:ada", OnHand: 15, Reason: "delivery", IdempotencyKey: "k-1");

        var state = new StockJournalHistory(snapshot, 1, [keyed], 2).ToState();

        Assert.Null(snapshot.KeyedAdjustments);
        Assert.Equal(15, state.OnHand);
        Assert.Equal([new KeyedAdjustment("k-1", 5, "delivery", At)], state.KeyedAdjustments);
    }

    [Fact]
    public void Snapshot_WithKeys_KeepsThemOldestFirst()
    {
        var book = new StockJournalHistory(null, 0, [
            new(StockChangeKind.Set, At, "user:ada", OnHand: 10, Reason: "first", IdempotencyKey: "z-first"),
            new(StockChangeKind.Set, At.AddMinutes(1), "user:ada", OnHand: 7, Reason: "second", IdempotencyKey: "a-second"),
            new(StockChangeKind.Set, At.AddMinutes(2), "user:ada", OnHand: 9, Reason: "unkeyed"),
        ], 3).ToState();

        var json = JsonSerializer.Serialize(book, StockJournalJson.Default.StockSnapshot);
        var read = JsonSerializer.Deserialize(json, StockJournalJson.Default.StockSnapshot)!;

        Assert.Equal(
            [new KeyedAdjustment("z-first", 10, "first", At), new KeyedAdjustment("a-second", -3, "second", At.AddMinutes(1))],
            read.KeyedAdjustments);
    }

    [Fact]
    public void Snapshot_OfAnEntryThatNeverSawAKey_IsWrittenAsBefore()
    {
        var snapshot = JsonSerializer.Deserialize(SnapshotBeforeKeys, StockJournalJson.Default.StockSnapshot)!;

        var state = new StockJournalHistory(snapshot, 1, [], 1).ToState();

        Assert.Equal(SnapshotBeforeKeys, JsonSerializer.Serialize(state, StockJournalJson.Default.StockSnapshot));
    }

    [Fact]
    public void Snapshot_OfAnEntryThatAlertedAndRecovered_StaysAlertedUntilAnAdjustment()
    {
        // Low by a hold (alert), back above by its release: a snapshot must not re-arm the entry.
        var state = new StockJournalHistory(null, 0, [
            new(StockChangeKind.Set, At, "user:ada", OnHand: 20, Reason: "count"),
            new(StockChangeKind.Reorder, At, "user:ada", ReorderPoint: 10),
            new(StockChangeKind.Hold, At, "shopper", "r-1", 10, At.AddMinutes(10)),
            new(StockChangeKind.Settle, At, "shopper", "r-1", Outcome: ReservationStatus.Released),
        ], 4).ToState();

        var read = JsonSerializer.Deserialize(JsonSerializer.Serialize(state, StockJournalJson.Default.StockSnapshot), StockJournalJson.Default.StockSnapshot)!;
        var book = StockBook.From(read);
        book.Apply(new StockChange(StockChangeKind.Hold, At, "shopper", "r-2", 10, At.AddMinutes(10)));
        var stillAlerted = book.LowAlerted;
        book.Apply(new StockChange(StockChangeKind.Settle, At, "shopper", "r-2", Outcome: ReservationStatus.Released));
        book.Apply(new StockChange(StockChangeKind.Set, At, "user:ada", OnHand: 30, Reason: "restock"));

        Assert.Equal(true, read.LowAlerted);
        Assert.True(stillAlerted);
        Assert.False(book.LowAlerted);
    }

    [Fact]
    public void Changes_OfAnOlderJournal_ThatRaisedAnAlert_LeaveNoneOutstanding()
    {
        // As a build before acknowledgements wrote them: the change that raised the alert carries no mark.
        var state = new StockJournalHistory(null, 0, ReadChanges(
            """[{"kind":0,"at":"2030-01-01T08:00:00+00:00","actor":"user:ada","outcome":5,"onHand":20,"reason":"count"},""" +
            """{"kind":3,"at":"2030-01-01T08:00:00+00:00","actor":"user:ada","outcome":5,"reorderPoint":10},""" +
            """{"kind":1,"at":"2030-01-01T08:00:00+00:00","actor":"shopper","reservationId":"r-1","quantity":10,"expiresAt":"2030-01-01T08:10:00+00:00","outcome":5}]"""), 3).ToState();

        Assert.True(state.IsStocked);
        Assert.Null(state.LowAlerted);
        Assert.Null(state.OutstandingAlerts);
    }

    [Fact]
    public void Snapshot_KeepsAnOutstandingAlert_UntilTheStoreAcknowledgesIt()
    {
        var alertAt = At.AddMinutes(1);
        var state = new StockJournalHistory(null, 0, [
            new(StockChangeKind.Set, At, "user:ada", OnHand: 20, Reason: "count"),
            new(StockChangeKind.Reorder, At, "user:ada", ReorderPoint: 10),
            new(StockChangeKind.Hold, alertAt, "shopper", "r-1", 12, At.AddMinutes(10), RaisesAlert: true),
        ], 3).ToState();
        var json = JsonSerializer.Serialize(state, StockJournalJson.Default.StockSnapshot);
        var book = StockBook.From(JsonSerializer.Deserialize(json, StockJournalJson.Default.StockSnapshot));
        var outstanding = book.OutstandingAlerts.ToList();

        book.Apply(StockChange.AlertStored(outstanding[0], At.AddMinutes(2)));

        Assert.Equal([new OutstandingAlert(8, 10, alertAt, Number: 1)], outstanding);
        Assert.Empty(book.OutstandingAlerts);
        Assert.Null(book.ToSnapshot().OutstandingAlerts);
    }

    [Fact]
    public void Changes_AnAcknowledgement_IsReadByAnOlderBuildAsSettlingNothing()
    {
        var book = new StockBook();
        foreach (var change in new StockChange[]
        {
            new(StockChangeKind.Set, At, "user:ada", OnHand: 20, Reason: "count"),
            new(StockChangeKind.Reorder, At, "user:ada", ReorderPoint: 10),
            new(StockChangeKind.Hold, At, "shopper", "r-1", 12, At.AddMinutes(10), RaisesAlert: true),
            new(StockChangeKind.Settle, At, "shopper", "r-1", Outcome: ReservationStatus.Released),
        })
        {
            book.Apply(change);
        }

        var json = JsonSerializer.Serialize<IReadOnlyList<StockChange>>([StockChange.AlertStored(book.OutstandingAlerts[0], At)], StockJournalJson.Default.IReadOnlyListStockChange);
        // An older build knows none of the alert's fields: it reads the same kind and reservation id without them.
        var asAnOlderBuildReadsIt = Assert.Single(ReadChanges(json)) with { StoredAlertAt = null, AlertNumber = null };
        var before = JsonSerializer.Serialize(book.ToSnapshot() with { OutstandingAlerts = null }, StockJournalJson.Default.StockSnapshot);

        var line = book.Apply(asAnOlderBuildReadsIt);

        Assert.Equal(StockChangeKind.Settle, asAnOlderBuildReadsIt.Kind);
        Assert.Null(line);
        Assert.Equal(before, JsonSerializer.Serialize(book.ToSnapshot() with { OutstandingAlerts = null }, StockJournalJson.Default.StockSnapshot));
        Assert.False(ReservationIsValid(asAnOlderBuildReadsIt.ReservationId!));
    }

    private static bool ReservationIsValid(string reservationId)
    {
        try
        {
            ReservationRequest.EnsureId(reservationId);
            return true;
        }
        catch (MultiStore.Grains.Interfaces.Common.StoreRuleException)
        {
            return false;
        }
    }

    private static IReadOnlyList<StockChange> ReadChanges(string json) =>
        JsonSerializer.Deserialize(json, StockJournalJson.Default.IReadOnlyListStockChange)!;
}
