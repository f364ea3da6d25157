using MultiStore.Grains.Analytics;
using MultiStore.Grains.Interfaces.Analytics;
using MultiStore.Grains.Interfaces.Orders;

namespace MultiStore.Grains.Tests.Analytics;

/// <summary>What a store's analytics remembers, and for how long: only what can still be reported, and two years of days.</summary>
public sealed class StoreAnalyticsRulesTests
{
    private static readonly DateTimeOffset Now = new(2031, 6, 15, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Prune_PastTheReportWindow_ForgetsClosedOrders_KeepsOpenOnes_AndALateReportOfAForgottenOneCountsNothing()
    {
        var window = StoreAnalyticsRules.ReportWindow;
        var state = new AnalyticsState();
        var settledLongAgo = Report("settled-long-ago", Now - window - TimeSpan.FromMinutes(2), OrderStatus.Paid);
        StoreAnalyticsRules.Count(state, settledLongAgo);
        StoreAnalyticsRules.Count(state, Report("settled-recently", Now - window + TimeSpan.FromMinutes(1), OrderStatus.Cancelled));
        StoreAnalyticsRules.Count(state, Report("open-for-a-day", Now - TimeSpan.FromDays(1), OrderStatus.PendingPayment));
        StoreAnalyticsRules.Count(state, Report("open-too-long", Now - StoreAnalyticsRules.OpenOrderMemory - TimeSpan.FromMinutes(1), OrderStatus.PendingPayment));
        var before = Totals(state);

        StoreAnalyticsRules.Prune(state, Now);

        Assert.Equal(["open-for-a-day", "settled-recently"], state.Orders.Keys.Order(StringComparer.Ordinal));
        // The figures stay; only the memory of which orders made them goes.
        Assert.Equal(before, Totals(state));
        // A repeated report of the forgotten order is too old to count, so it is not counted twice.
        Assert.False(StoreAnalyticsRules.MayCount(state, settledLongAgo, Now));
        // The open order's close still counts, however long ago it was placed.
        var closing = Report("open-for-a-day", Now - TimeSpan.FromDays(1), OrderStatus.Expired);
        Assert.True(StoreAnalyticsRules.MayCount(state, closing, Now) && StoreAnalyticsRules.Count(state, closing));
        Assert.Equal(1, Totals(state).OrdersExpired);
    }

    [Fact]
    public void Prune_AnOrderClosedLongAfterItsPlacing_IsRememberedForTheWindowAfterItsClose_SoARepeatCountsNothing()
    {
        var window = StoreAnalyticsRules.ReportWindow;
        var state = new AnalyticsState();
        // Open for seven hours (the cluster was down), its placement stored as acknowledged: analytics remembers nothing of it.
        var closed = Report("late-close", Now - TimeSpan.FromHours(7), OrderStatus.Expired) with { ClosedAt = Now - TimeSpan.FromHours(1) };
        Assert.True(StoreAnalyticsRules.MayCount(state, closed, Now, OrderStatus.PendingPayment));
        Assert.True(StoreAnalyticsRules.Count(state, closed, OrderStatus.PendingPayment));

        StoreAnalyticsRules.Prune(state, Now);

        // The acknowledgment of its close got lost: the order reports it again, with only its placement stored.
        Assert.False(StoreAnalyticsRules.MayCount(state, closed, Now, OrderStatus.PendingPayment) && StoreAnalyticsRules.Count(state, closed, OrderStatus.PendingPayment));
        Assert.Equal(SalesFigures.Zero with { OrdersExpired = 1, UnitsExpired = 1 }, Totals(state));
        // A window after the close, the memory lets go of it, and a repeat is too old to count.
        StoreAnalyticsRules.Prune(state, Now + window);
        Assert.Empty(state.Orders);
        Assert.False(StoreAnalyticsRules.MayCount(state, closed, Now + window, OrderStatus.PendingPayment));
    }

    [Fact]
    public void Prune_DaysBeforeTheKeptDays_AreDropped_AndTheLongestReadStillFindsEveryDayOfIt()
    {
        var today = StoreAnalyticsRules.DayOf(Now);
        var state = new AnalyticsState();
        var oldestRead = today.AddDays(1 - IStoreAnalyticsGrain.MaxDays);
        var oldestKept = today.AddDays(1 - StoreAnalyticsRules.KeptDays);
        foreach (var day in new[] { today, oldestRead, oldestKept, oldestKept.AddDays(-1), today.AddYears(-5) })
        {
            StoreAnalyticsRules.Count(state, Report($"placed-{day:yyyyMMdd}", new DateTimeOffset(day, TimeOnly.MinValue, TimeSpan.Zero), OrderStatus.PendingPayment));
        }

        StoreAnalyticsRules.Prune(state, Now);

        Assert.True(StoreAnalyticsRules.KeptDays >= IStoreAnalyticsGrain.MaxDays);
        Assert.Equal(
            [oldestKept, oldestRead, today],
            state.Days.Keys.Select(key => DateOnly.ParseExact(key, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)).Order());
        var longestRead = StoreAnalyticsRules.Read(state, oldestRead, today, 0);
        Assert.Equal(2, longestRead.Totals.OrdersPlaced);
        Assert.Equal(1, StoreAnalyticsRules.Read(state, oldestKept, oldestKept, 0).Totals.OrdersPlaced);
        Assert.Equal(0, StoreAnalyticsRules.Read(state, oldestKept.AddDays(-1), oldestKept.AddDays(-1), 0).Totals.OrdersPlaced);
    }

    [Fact]
    public void FinalBefore_IsTwoDaysBack_UnlessAnOpenOrderCouldStillCloseOnAnEarlierDay()
    {
        var today = StoreAnalyticsRules.DayOf(Now);
        var state = new AnalyticsState();
        // Noon: six hours and a day of margin back is yesterday, so the day before yesterday is the last final one.
        Assert.Equal(today.AddDays(-1), StoreAnalyticsRules.FinalBefore(state, Now));

        StoreAnalyticsRules.Count(state, Report("paid-long-ago", Now - TimeSpan.FromDays(9), OrderStatus.Paid));
        Assert.Equal(today.AddDays(-1), StoreAnalyticsRules.FinalBefore(state, Now));

        // An order open for five days may close on any day since, and its late close counts on the day it closed.
        var open = Report("open", Now - TimeSpan.FromDays(5), OrderStatus.PendingPayment);
        StoreAnalyticsRules.Count(state, open);
        Assert.Equal(today.AddDays(-6), StoreAnalyticsRules.FinalBefore(state, Now));
        var closedFourDaysAgo = open with { Status = OrderStatus.Expired, ClosedAt = Now - TimeSpan.FromDays(4) };
        Assert.True(StoreAnalyticsRules.MayCount(state, closedFourDaysAgo, Now));
    }

    [Fact]
    public void MayCount_AReportOnAnArchivedDay_CountsNothing_AndOneOnALiveDayCounts()
    {
        var today = StoreAnalyticsRules.DayOf(Now);
        var state = new AnalyticsState { ArchivedBefore = today.AddDays(-1) };
        StoreAnalyticsRules.Count(state, Report("open", Now - TimeSpan.FromHours(1), OrderStatus.PendingPayment));

        Assert.False(StoreAnalyticsRules.MayCount(state, Report("open", Now - TimeSpan.FromHours(1), OrderStatus.Paid) with { ClosedAt = Now - TimeSpan.FromDays(2) }, Now));
        Assert.True(StoreAnalyticsRules.MayCount(state, Report("open", Now - TimeSpan.FromHours(1), OrderStatus.Paid), Now));
        Assert.True(StoreAnalyticsRules.MayCount(state, Report("new", Now - TimeSpan.FromHours(2), OrderStatus.PendingPayment), Now));
    }

    private static OrderView Report(string orderId, DateTimeOffset placedAt, OrderStatus status) => new(
        orderId,
        "cart",
        status,
        [new OrderLine("SKU", "main", 1, $"{orderId}-line", 5m)],
        placedAt,
        placedAt + TimeSpan.FromMinutes(15),
        status == OrderStatus.PendingPayment ? null : placedAt + TimeSpan.FromMinutes(1),
        null,
        "EUR");

    private static SalesFigures Totals(AnalyticsState state) =>
        state.Days.Values.Aggregate(SalesFigures.Zero, (sum, day) => sum.Plus(day.Figures()));
}
