using System.Text.Json;
using MultiStore.Grains.Stock;
using MultiStore.Grains.Stock.Journal;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// A stock entry's alerts waiting for the store: each is known by its number, never by its time, so settling one never
/// settles another; and an alert forgotten for newer ones is counted, live and on replay alike.
/// </summary>
public sealed class StockBookAlertTests
{
    private static readonly DateTimeOffset At = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Acknowledgement_OfOneOfTwoAlertsRaisedAtTheSameTime_LeavesTheOtherOutstanding_LiveAndOnReplay()
    {
        var book = new StockBook();
        var journaled = new List<StockChange>();
        Decide(book, journaled, new(StockChangeKind.Set, At, "user:ada", OnHand: 10, Reason: "count"));
        Decide(book, journaled, new(StockChangeKind.Reorder, At, "user:ada", ReorderPoint: 5));
        var first = Decide(book, journaled, new(StockChangeKind.Hold, At, "shopper", "r-1", 6, At.AddMinutes(10)));   // available 4
        Decide(book, journaled, new(StockChangeKind.Set, At, "user:ada", OnHand: 15, Reason: "count"));                // available 9: re-armed
        var second = Decide(book, journaled, new(StockChangeKind.Hold, At, "shopper", "r-2", 6, At.AddMinutes(10)));  // available 3

        // The store stored the second first (the first's raise is still failing, say).
        Decide(book, journaled, StockChange.AlertStored(second!, At));
        var replayed = new StockBook();
        journaled.ForEach(change => replayed.Apply(change));

        Assert.Equal((new OutstandingAlert(4, 5, At, 1), new OutstandingAlert(3, 5, At, 2)), (first, second));
        Assert.Equal([first!], book.OutstandingAlerts);
        Assert.Equal([first!], replayed.OutstandingAlerts);
    }

    [Fact]
    public void Snapshot_WrittenBeforeAlertNumbers_NumbersItsAlertsAsItLoads_SoAnAcknowledgementSettlesOne()
    {
        // As a build before numbers wrote it: two alerts outstanding, raised at the same time.
        const string snapshot =
            """{"onHand":10,"safetyStock":0,"isStocked":true,"ledgerSequence":1,"held":{},"settled":{},"reorderPoint":12""" +
            ""","outstandingAlerts":[{"available":10,"reorderPoint":12,"at":"2030-01-01T08:00:00+00:00"},""" +
            """{"available":9,"reorderPoint":12,"at":"2030-01-01T08:00:00+00:00"}]}""";
        var book = StockBook.From(JsonSerializer.Deserialize(snapshot, StockJournalJson.Default.StockSnapshot));
        var loaded = book.OutstandingAlerts.ToList();

        book.Apply(StockChange.AlertStored(loaded[1], At));
        var reloaded = StockBook.From(JsonSerializer.Deserialize(snapshot, StockJournalJson.Default.StockSnapshot));

        Assert.Equal([1L, 2L], loaded.Select(alert => alert.Number));
        Assert.Equal([loaded[0]], book.OutstandingAlerts);
        Assert.Equal(loaded, reloaded.OutstandingAlerts);
        Assert.Equal(2, book.ToSnapshot().AlertsRaised);
    }

    [Fact]
    public void ApplyDecided_BeyondTheOutstandingAlertsKept_DropsTheOldest_AndCountsIt_AsAReplayDoes()
    {
        var book = new StockBook();
        var journaled = new List<StockChange>();
        Decide(book, journaled, new(StockChangeKind.Reorder, At, "user:ada", ReorderPoint: 5));
        OutstandingAlert? dropped = null;
        for (var count = 1; count <= StockBook.MaxOutstandingAlerts + 1; count++)
        {
            Decide(book, journaled, new(StockChangeKind.Set, At, "user:ada", OnHand: 10, Reason: "count"));
            var (change, _, _, droppedNow) = book.ApplyDecided(new(StockChangeKind.Set, At, "user:ada", OnHand: 4, Reason: "count"));
            journaled.Add(change);
            dropped ??= droppedNow;
        }

        var replayed = new StockBook();
        journaled.ForEach(change => replayed.Apply(change));
        var snapshot = JsonSerializer.Deserialize(
            JsonSerializer.Serialize(book.ToSnapshot(), StockJournalJson.Default.StockSnapshot), StockJournalJson.Default.StockSnapshot);

        Assert.Equal(1L, dropped?.Number);
        Assert.Equal(Enumerable.Range(2, StockBook.MaxOutstandingAlerts).Select(number => (long)number), book.OutstandingAlerts.Select(alert => alert.Number));
        Assert.Equal((1L, 1L), (book.AlertsDropped, replayed.AlertsDropped));
        Assert.Equal((1L, 21L), (snapshot!.AlertsDropped, snapshot.AlertsRaised));
        Assert.Equal(1L, StockBook.From(snapshot).AlertsDropped);
    }

    /// <summary>Applies a change decided now and journals what the entry would; returns the alert it raised, if any.</summary>
    private static OutstandingAlert? Decide(StockBook book, List<StockChange> journaled, StockChange change)
    {
        var (toJournal, _, alert, _) = book.ApplyDecided(change);
        journaled.Add(toJournal);
        return alert;
    }
}
