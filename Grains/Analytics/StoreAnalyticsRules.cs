using System.Globalization;
using MultiStore.Grains.Interfaces.Analytics;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Orders;

namespace MultiStore.Grains.Analytics;

/// <summary>How an order report changes a store's figures, and how figures are read. Pure functions of the state.</summary>
public static class StoreAnalyticsRules
{
    private const string DayKeyFormat = "yyyy-MM-dd";

    /// <summary>
    /// A report of an order the memory does not hold counts only if the order was placed less than this ago, and a
    /// closed order is remembered until it was placed this long ago: so a report of a forgotten order is always too old
    /// to count, and is never counted twice. What it bounds is what every write of the store's figures carries: the
    /// orders placed in this window, plus the open ones. Six hours because reports come within minutes: the placing
    /// call reports itself, a failed report is retried by the order's timer (seconds) or, after a silo died, its
    /// reminder (a minute), and an order stores the closing status analytics acknowledged, so a later activation of a
    /// settled order does not report again (one that died before storing it reports again from its reminder, within
    /// minutes). The trade-off: an order whose first report is held up longer than this (analytics storage down for
    /// six hours) is not counted at all, rather than possibly twice.
    /// </summary>
    public static readonly TimeSpan ReportWindow = TimeSpan.FromHours(6);

    /// <summary>
    /// An open order is remembered until its close is counted, however long ago it was placed (its close must count
    /// once): open orders are few, since none waits longer than its payment window (a hold lasts at most
    /// <see cref="Interfaces.Stock.ReservationRequest.LongestHold"/>) plus the time a down cluster takes to expire it.
    /// Past this an open order is forgotten all the same, so an order whose close never comes (a state written before
    /// orders stored their acknowledged status) does not stay for ever; its close, if it ever came, is too old to count.
    /// </summary>
    public static readonly TimeSpan OpenOrderMemory = TimeSpan.FromDays(30);

    /// <summary>
    /// How many UTC days of figures a store keeps, today included: two years, at least
    /// <see cref="IStoreAnalyticsGrain.MaxDays"/> so the longest read ending today finds every day of it. Older days
    /// read as zeros.
    /// </summary>
    public const int KeptDays = 2 * IStoreAnalyticsGrain.MaxDays;

    /// <summary>
    /// How much earlier than the report rules allow a day is still treated as open to change, before it is archived:
    /// room for the clocks of the silos (an order's times are its own silo's) and for a day boundary.
    /// </summary>
    public static readonly TimeSpan ArchiveMargin = TimeSpan.FromDays(1);

    /// <summary>
    /// Whether a report of <paramref name="order"/> may count at <paramref name="now"/>: the memory holds the order,
    /// or it was placed within <see cref="ReportWindow"/>; and what it would count falls on a day not yet archived
    /// (<see cref="FinalBefore"/> says that never happens; should it, the report counts nothing rather than put a
    /// partial copy of an archived day in front of the archived one). Decided before <see cref="Count"/>, which never
    /// forgets.
    /// </summary>
    public static bool MayCount(AnalyticsState state, OrderView order, DateTimeOffset now)
    {
        var known = state.Orders.ContainsKey(order.OrderId);
        if (!known && order.CreatedAt < now - ReportWindow)
        {
            return false;
        }

        // A known order can only add its close; an unknown one adds its placing first, and closes no earlier.
        var earliestDay = DayOf(known ? order.ClosedAt ?? order.CreatedAt : order.CreatedAt);
        return state.ArchivedBefore is not { } archived || earliestDay >= archived;
    }

    /// <summary>
    /// The first day a report may still change at <paramref name="now"/>; the days before it are final and may move
    /// to the month archives. A report counts on its order's placing day or closing day (<see cref="Count"/>): an
    /// order the memory does not hold counts only if placed within <see cref="ReportWindow"/>, so on a day no earlier
    /// than that; an order it holds as open may close on any day from its placing on, and its close is counted on the
    /// day it closed even when the report comes days later (analytics was unreachable meanwhile), so every open order
    /// holds back the days from its placing. Both bounds get <see cref="ArchiveMargin"/> more. Orders are paid or
    /// expired within minutes, so this is usually two days ago; an order left open holds it back at most
    /// <see cref="OpenOrderMemory"/>.
    /// </summary>
    public static DateOnly FinalBefore(AnalyticsState state, DateTimeOffset now)
    {
        var earliest = now - ReportWindow;
        foreach (var counted in state.Orders.Values)
        {
            if (counted.Status == OrderStatus.PendingPayment && counted.PlacedAt < earliest)
            {
                earliest = counted.PlacedAt;
            }
        }

        return DayOf(earliest - ArchiveMargin);
    }

    /// <summary>The oldest day a store keeps figures of at <paramref name="now"/>: older days read as zeros.</summary>
    public static DateOnly FirstKeptDay(DateTimeOffset now) => DayOf(now).AddDays(1 - KeptDays);

    /// <summary>Counts what <paramref name="order"/> adds to <paramref name="state"/>; false when it adds nothing.</summary>
    public static bool Count(AnalyticsState state, OrderView order)
    {
        var counted = state.Orders.GetValueOrDefault(order.OrderId);
        var changed = false;
        if (counted is null)
        {
            Day(state, order.CreatedAt).OrdersPlaced++;
            counted = new CountedOrder(OrderStatus.PendingPayment, order.CreatedAt);
            changed = true;
        }

        if (order.Status != OrderStatus.PendingPayment && counted.Status == OrderStatus.PendingPayment)
        {
            var day = Day(state, order.ClosedAt ?? order.CreatedAt);
            switch (order.Status)
            {
                case OrderStatus.Paid:
                    day.OrdersPaid++;
                    day.Revenue += order.Total;
                    day.UnitsSold += order.Units;
                    foreach (var line in order.Lines)
                    {
                        var sold = day.Skus.GetValueOrDefault(line.Sku) ?? new SkuTally(0, 0m);
                        day.Skus[line.Sku] = new SkuTally(sold.Units + line.Quantity, sold.Revenue + line.Amount);
                    }

                    break;
                case OrderStatus.Cancelled:
                    day.OrdersCancelled++;
                    break;
                case OrderStatus.Expired:
                    day.OrdersExpired++;
                    day.UnitsExpired += order.Units;
                    break;
            }

            counted = counted with { Status = order.Status };
            changed = true;
        }

        if (changed)
        {
            state.Orders[order.OrderId] = counted;
            state.Currency = order.Currency ?? state.Currency;
        }

        return changed;
    }

    /// <summary>
    /// Forgets what can no longer be reported legitimately at <paramref name="now"/>: closed orders placed before
    /// <see cref="ReportWindow"/>, open ones placed before <see cref="OpenOrderMemory"/>, and the figures of days
    /// before the last <see cref="KeptDays"/>. A state written with a longer memory shrinks to this on its next prune.
    /// </summary>
    public static void Prune(AnalyticsState state, DateTimeOffset now)
    {
        var forgotten = state.Orders
            .Where(order => order.Value.PlacedAt < now - (order.Value.Status == OrderStatus.PendingPayment ? OpenOrderMemory : ReportWindow))
            .Select(order => order.Key)
            .ToList();
        foreach (var orderId in forgotten)
        {
            state.Orders.Remove(orderId);
        }

        // Keys are yyyy-MM-dd, so ordinal order is date order.
        var firstKept = DayKey(FirstKeptDay(now));
        foreach (var day in state.Days.Keys.Where(day => string.CompareOrdinal(day, firstKept) < 0).ToList())
        {
            state.Days.Remove(day);
        }
    }

    /// <summary>The figures of <paramref name="from"/>..<paramref name="to"/> and the top <paramref name="topSkus"/> SKUs.</summary>
    public static StoreAnalytics Read(AnalyticsState state, DateOnly from, DateOnly to, int topSkus) =>
        Read(state.Currency, state.Days, from, to, topSkus);

    /// <summary>
    /// The figures of <paramref name="from"/>..<paramref name="to"/> found in <paramref name="days"/> (keyed
    /// <c>yyyy-MM-dd</c>, missing days read as zeros) and the top <paramref name="topSkus"/> SKUs.
    /// </summary>
    public static StoreAnalytics Read(string? currency, IReadOnlyDictionary<string, AnalyticsDay> days, DateOnly from, DateOnly to, int topSkus)
    {
        EnsureRange(from, to);
        EnsureTopSkus(topSkus);

        var read = new List<DaySales>();
        var totals = SalesFigures.Zero;
        var skus = new Dictionary<string, SkuTally>(StringComparer.Ordinal);
        // Counted by day number: stepping a date past the calendar's last day (9999-12-31) would throw.
        for (var dayNumber = from.DayNumber; dayNumber <= to.DayNumber; dayNumber++)
        {
            var date = DateOnly.FromDayNumber(dayNumber);
            var day = days.GetValueOrDefault(DayKey(date));
            var figures = day?.Figures() ?? SalesFigures.Zero;
            read.Add(new DaySales(date, figures));
            totals = totals.Plus(figures);
            foreach (var (sku, sold) in day?.Skus ?? [])
            {
                var sum = skus.GetValueOrDefault(sku) ?? new SkuTally(0, 0m);
                skus[sku] = new SkuTally(sum.Units + sold.Units, sum.Revenue + sold.Revenue);
            }
        }

        var top = skus
            .OrderByDescending(sku => sku.Value.Units)
            .ThenByDescending(sku => sku.Value.Revenue)
            .ThenBy(sku => sku.Key, StringComparer.Ordinal)
            .Take(topSkus)
            .Select(sku => new SkuSales(sku.Key, sku.Value.Units, sku.Value.Revenue));
        return new StoreAnalytics(currency, from, to, totals, read, [.. top]);
    }

    /// <summary>Refuses a number of top SKUs outside 0..<see cref="IStoreAnalyticsGrain.MaxTopSkus"/>.</summary>
    public static void EnsureTopSkus(int topSkus)
    {
        if (topSkus is < 0 or > IStoreAnalyticsGrain.MaxTopSkus)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"Top SKUs are 0 to {IStoreAnalyticsGrain.MaxTopSkus}, not {topSkus}.");
        }
    }

    /// <summary>Refuses a range that is reversed or longer than <see cref="IStoreAnalyticsGrain.MaxDays"/>.</summary>
    public static void EnsureRange(DateOnly from, DateOnly to)
    {
        if (to < from || to.DayNumber - from.DayNumber >= IStoreAnalyticsGrain.MaxDays)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"A range runs forward over at most {IStoreAnalyticsGrain.MaxDays} days, not {from:yyyy-MM-dd} to {to:yyyy-MM-dd}.");
        }
    }

    public static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    private static AnalyticsDay Day(AnalyticsState state, DateTimeOffset at)
    {
        var key = DayKey(DayOf(at));
        if (!state.Days.TryGetValue(key, out var day))
        {
            state.Days[key] = day = new AnalyticsDay();
        }

        return day;
    }

    /// <summary>The key of <paramref name="date"/> in a day dictionary (<c>yyyy-MM-dd</c>, so ordinal order is date order).</summary>
    public static string DayKey(DateOnly date) => date.ToString(DayKeyFormat, CultureInfo.InvariantCulture);

    public static DateOnly ParseDayKey(string key) => DateOnly.ParseExact(key, DayKeyFormat, CultureInfo.InvariantCulture);
}
