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
    /// A change of an order (its placing, its close) that neither the memory nor the order's stored acknowledgment
    /// covers counts only if it happened less than this ago, and a counted change is remembered at least this long
    /// unless the order says it stored its acknowledgment: so a report of a forgotten change is always too old to
    /// count, and is never counted twice. Orders store what analytics acknowledged within about a second
    /// (<see cref="Forget"/>), so this bound only matters for orders that cannot say so. Six hours because reports
    /// come within minutes: the changing call reports itself, a failed report is retried by the order's timer
    /// (seconds) or, after a silo died, its reminder (a minute). The trade-off: a change whose report is held up
    /// longer than this (analytics storage down for six hours) is not counted at all, rather than possibly twice.
    /// </summary>
    public static readonly TimeSpan ReportWindow = TimeSpan.FromHours(6);

    /// <summary>
    /// An open order that has not said it stored its acknowledged placement is remembered until its close is counted,
    /// however long ago it was placed (its close must count once, on the day it closed). Past this it is forgotten all
    /// the same, so an order whose close never comes (a state written before orders stored their acknowledged status)
    /// does not stay for ever; its close, if it ever came, is too old to count.
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
    /// Whether a report of <paramref name="order"/> may count at <paramref name="now"/>, the order having stored that
    /// analytics acknowledged it up to <paramref name="acknowledged"/>: the first change it would count is in the
    /// memory's keeping (an open order remembered) or happened within <see cref="ReportWindow"/>; and it falls on a day
    /// not yet archived (<see cref="FinalBefore"/> says that never happens; should it, the report counts nothing rather
    /// than put a partial copy of an archived day in front of the archived one). Decided before <see cref="Count"/>.
    /// </summary>
    public static bool MayCount(AnalyticsState state, OrderView order, DateTimeOffset now, OrderStatus? acknowledged = null)
    {
        var counted = HowFarCounted(state, order, acknowledged);
        // An unknown order adds its placing first; a placed one can only add its close, on the day it closed.
        var firstChange = counted is null ? order.CreatedAt : order.ClosedAt ?? order.CreatedAt;
        var remembered = state.Orders.ContainsKey(order.OrderId);
        if (!remembered && firstChange < now - ReportWindow)
        {
            return false;
        }

        return state.ArchivedBefore is not { } archived || DayOf(firstChange) >= archived;
    }

    /// <summary>
    /// How far <paramref name="order"/> was counted: as the memory holds it, or as far as the order stored that
    /// analytics acknowledged (<paramref name="acknowledged"/>: storage held that count when it was acknowledged, and
    /// a count is never taken back), whichever is further; null when neither knows it.
    /// </summary>
    private static CountedOrder? HowFarCounted(AnalyticsState state, OrderView order, OrderStatus? acknowledged)
    {
        var remembered = state.Orders.GetValueOrDefault(order.OrderId);
        return acknowledged switch
        {
            null => remembered,
            _ when remembered is { Status: not OrderStatus.PendingPayment } => remembered,
            OrderStatus.PendingPayment => remembered ?? new CountedOrder(OrderStatus.PendingPayment, order.CreatedAt),
            { } closed => new CountedOrder(closed, order.CreatedAt, order.ClosedAt),
        };
    }

    /// <summary>
    /// The first day a report may still change at <paramref name="now"/>; the days before it are final and may move
    /// to the month archives. A report counts on its order's placing day or closing day (<see cref="Count"/>): a
    /// change the memory does not hold counts only if it happened within <see cref="ReportWindow"/>, so on a day no
    /// earlier than that; an order it holds as open may close on any day from its placing on, and its close is counted
    /// on the day it closed even when the report comes days later (analytics was unreachable meanwhile), so every
    /// remembered open order holds back the days from its placing. Both bounds get <see cref="ArchiveMargin"/> more.
    /// Orders are paid or expired within minutes, so this is usually two days ago; an order left open holds it back
    /// at most <see cref="OpenOrderMemory"/>.
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

    /// <summary>
    /// Counts what <paramref name="order"/> adds to <paramref name="state"/> beyond what was counted already (see
    /// <see cref="HowFarCounted"/>); false when it adds nothing. What it counts is remembered until <see cref="Forget"/>
    /// or <see cref="Prune"/>.
    /// </summary>
    public static bool Count(AnalyticsState state, OrderView order, OrderStatus? acknowledged = null)
    {
        var counted = HowFarCounted(state, order, acknowledged);
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

            counted = counted with { Status = order.Status, ClosedAt = order.ClosedAt ?? order.CreatedAt };
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
    /// Lets go of <paramref name="order"/> once it says it stored that analytics acknowledged it as it now stands
    /// (<paramref name="acknowledged"/> is its status): it reports nothing more of what was counted, and a later close
    /// comes with that acknowledgment, so no memory is needed to count it once. Only if the memory holds the order at
    /// that status: a late "stored the placement" (delayed, or sent by an overtaken activation) arriving after the close
    /// was counted must not forget the close, which the order has not stored yet and may report again. False when
    /// nothing was forgotten.
    /// </summary>
    public static bool Forget(AnalyticsState state, OrderView order, OrderStatus? acknowledged) =>
        acknowledged is { } stored
        && stored == order.Status
        && state.Orders.TryGetValue(order.OrderId, out var remembered)
        && remembered.Status == stored
        && state.Orders.Remove(order.OrderId);

    /// <summary>
    /// Forgets what can no longer be reported legitimately at <paramref name="now"/>: closed orders closed (or, as an
    /// earlier release remembered them, placed) before <see cref="ReportWindow"/>, open ones placed before
    /// <see cref="OpenOrderMemory"/>, and the figures of days before the last <see cref="KeptDays"/>. A state written
    /// with a longer memory shrinks to this on its next prune.
    /// </summary>
    public static void Prune(AnalyticsState state, DateTimeOffset now)
    {
        var forgotten = state.Orders
            .Where(order => order.Value.Status == OrderStatus.PendingPayment
                ? order.Value.PlacedAt < now - OpenOrderMemory
                : (order.Value.ClosedAt ?? order.Value.PlacedAt) < now - ReportWindow)
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
