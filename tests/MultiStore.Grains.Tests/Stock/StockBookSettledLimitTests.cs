using System.Text.Json;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Stock;
using MultiStore.Grains.Stock.Journal;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// A stock entry remembers at most its newest settled reservations: live, in every snapshot, and on replay, which
/// forgets exactly what the entry that wrote forgot; a return replays from the units its change names.
/// </summary>
public sealed class StockBookSettledLimitTests
{
    private const int Limit = 5;

    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Apply_MoreSettlementsThanTheLimit_RemembersOnlyTheNewest()
    {
        var book = new StockBook(Limit);
        book.Apply(Set(100, T0));
        for (var i = 0; i < 12; i++)
        {
            book.Apply(Hold($"r-{i}", 1, T0.AddSeconds(i)));
            book.Apply(Settle($"r-{i}", ReservationStatus.Released, T0.AddSeconds(i)));
            Assert.InRange(book.SettledCount, 1, Limit);
        }

        Assert.Equal(Limit, book.SettledCount);
        Assert.Equal(["r-7", "r-8", "r-9", "r-10", "r-11"], book.ToSnapshot().Settled.Keys);
        Assert.All(Enumerable.Range(0, 7), i => Assert.False(book.TryGetSettled($"r-{i}", out _)));
        Assert.Equal(T0.AddSeconds(6), book.SettledForgottenThrough);
    }

    [Fact]
    public void From_AnySnapshotAndTheChangesAfterIt_RebuildsExactlyTheBookThatWrote()
    {
        var changes = Scenario();
        var live = new StockBook(Limit);
        var snapshots = new List<StockSnapshot> { live.ToSnapshot() };
        foreach (var change in changes)
        {
            live.Apply(change);
            snapshots.Add(live.ToSnapshot());
            Assert.InRange(live.SettledCount, 0, Limit);
            Assert.InRange(snapshots[^1].Settled.Count, 0, Limit);
        }

        var expected = Describe(live.ToSnapshot());
        for (var taken = 0; taken <= changes.Count; taken++)
        {
            // Through the JSON the journal stores, as a reload reads it.
            var stored = JsonSerializer.Deserialize(JsonSerializer.Serialize(snapshots[taken], StockJournalJson.Default.StockSnapshot), StockJournalJson.Default.StockSnapshot);
            var replayed = StockBook.From(stored, Limit);
            foreach (var change in changes.Skip(taken))
            {
                replayed.Apply(change);
            }

            Assert.Equal(expected, Describe(replayed.ToSnapshot()));
        }
    }

    [Fact]
    public void From_ASnapshotWithMoreThanTheLimit_KeepsTheNewest()
    {
        var older = new StockBook(settledLimit: 20);
        older.Apply(Set(100, T0));
        for (var i = 0; i < 8; i++)
        {
            older.Apply(Hold($"r-{i}", 1, T0.AddSeconds(i)));
            older.Apply(Settle($"r-{i}", ReservationStatus.Expired, T0.AddSeconds(10 - i)));
        }

        var book = StockBook.From(older.ToSnapshot(), Limit);

        Assert.Equal(Limit, book.SettledCount);
        Assert.Equal(["r-3", "r-4", "r-5", "r-6", "r-7"], book.ToSnapshot().Settled.Keys);
    }

    [Fact]
    public void Apply_AReturnOfASaleNoLongerRemembered_PutsBackTheUnitsItsChangeNames()
    {
        var book = new StockBook(Limit);
        book.Apply(Set(10, T0));
        book.Apply(Hold("sold", 3, T0));
        book.Apply(Settle("sold", ReservationStatus.Confirmed, T0));
        for (var i = 0; i < Limit; i++)
        {
            book.Apply(Hold($"r-{i}", 1, T0.AddSeconds(i + 1)));
            book.Apply(Settle($"r-{i}", ReservationStatus.Released, T0.AddSeconds(i + 1)));
        }

        Assert.False(book.TryGetSettled("sold", out _));
        // A journal from before returns named their units: decided from memory, which no longer has the sale.
        Assert.Null(book.Apply(new StockChange(StockChangeKind.Return, T0.AddMinutes(1), "order", "sold")));
        Assert.Equal(7, book.OnHand);

        // Written by an entry that still remembered it (a larger limit): replayed as it was decided.
        var line = book.Apply(new StockChange(StockChangeKind.Return, T0.AddMinutes(2), "order", "sold", 3));

        Assert.Equal(3, line?.Delta);
        Assert.Equal(10, book.OnHand);
        Assert.True(book.TryGetSettled("sold", out var returned));
        Assert.Equal(ReservationStatus.Returned, returned.Status);
        Assert.Equal(Limit, book.SettledCount);
    }

    [Fact]
    public void ToSnapshot_ABusySkuChurnedWellPastTheLimit_StaysAFewMegabytes()
    {
        var book = new StockBook();
        book.Apply(Set(1_000, T0));
        var at = T0;
        for (var i = 0; i < 2 * StockBook.MaxSettledReservations; i++)
        {
            // As a cart names its lines: its id (a GUID), the SKU, the line's sequence.
            var id = $"cart:{Guid.NewGuid():D}:SKU-{i % 1_000:D6}:{i % 7 + 1}";
            at = at.AddMilliseconds(333);
            book.Apply(Hold(id, 1, at));
            book.Apply(Settle(id, i % 3 == 0 ? ReservationStatus.Confirmed : ReservationStatus.Expired, at));
        }

        var json = JsonSerializer.SerializeToUtf8Bytes(book.ToSnapshot(), StockJournalJson.Default.StockSnapshot);

        Assert.Equal(StockBook.MaxSettledReservations, book.SettledCount);
        Assert.InRange(json.Length, 1, 8_000_000);
    }

    /// <summary>
    /// Holds and settlements in an order that tests the limit: expiries of one moment (the same time), a clock set
    /// back, sales returned (an outcome that moves to the newest place).
    /// </summary>
    private static List<StockChange> Scenario()
    {
        var changes = new List<StockChange> { Set(100, T0) };
        for (var i = 0; i < 20; i++)
        {
            changes.Add(Hold($"r-{i}", i % 3 + 1, T0.AddSeconds(i)));
        }

        changes.AddRange(Enumerable.Range(0, 5).Select(i => Settle($"r-{i}", ReservationStatus.Confirmed, T0.AddSeconds(30 + i))));
        changes.AddRange(Enumerable.Range(5, 5).Select(i => Settle($"r-{i}", ReservationStatus.Expired, T0.AddSeconds(60))));
        changes.Add(Return("r-3", 1, T0.AddSeconds(61)));
        // The clock was set back.
        changes.AddRange(Enumerable.Range(10, 3).Select(i => Settle($"r-{i}", ReservationStatus.Released, T0.AddSeconds(40))));
        changes.AddRange(Enumerable.Range(13, 4).Select(i => Settle($"r-{i}", ReservationStatus.Confirmed, T0.AddSeconds(62 + i))));
        changes.Add(Return("r-14", 3, T0.AddSeconds(70)));
        changes.AddRange(Enumerable.Range(17, 3).Select(i => Settle($"r-{i}", ReservationStatus.Expired, T0.AddSeconds(80))));
        return changes;
    }

    /// <summary>Everything a snapshot holds, the settled reservations in their order (which decides what goes first).</summary>
    private static string Describe(StockSnapshot snapshot) =>
        JsonSerializer.Serialize(snapshot, StockJournalJson.Default.StockSnapshot);

    private static StockChange Set(int onHand, DateTimeOffset at) => new(StockChangeKind.Set, at, "admin", OnHand: onHand, Reason: "count");

    private static StockChange Hold(string id, int quantity, DateTimeOffset at) => new(StockChangeKind.Hold, at, "shopper", id, quantity, at.AddMinutes(15));

    private static StockChange Settle(string id, ReservationStatus outcome, DateTimeOffset at) => new(StockChangeKind.Settle, at, "shopper", id, Outcome: outcome);

    private static StockChange Return(string id, int quantity, DateTimeOffset at) => new(StockChangeKind.Return, at, "order", id, quantity);
}
