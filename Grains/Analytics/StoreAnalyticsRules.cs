using System.Globalization;
using MultiStore.Grains.Interfaces.Analytics;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Orders;

namespace MultiStore.Grains.Analytics;

/// <summary>How an order report changes a store's figures, and how figures are read. Pure functions of the state.</summary>
public static class StoreAnalyticsRules
{
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
    /// Whether a report of <paramref name="order"/> may count at <paramref name="now"/>: the memory holds the order,
    /// or it was placed within <see cref="ReportWindow"/>. Decided before <see cref="Count"/>, which never forgets.
    /// </summary>
    public static bool MayCount(AnalyticsState state, OrderView order, DateTimeOffset now) =>
        state.Orders.ContainsKey(order.OrderId) || order.CreatedAt >= now - ReportWindow;

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
        var firstKept = DayKey(DayOf(now).AddDays(1 - KeptDays));
        foreach (var day in state.Days.Keys.Where(day => string.CompareOrdinal(day, firstKept) < 0).ToList())
        {
            state.Days.Remove(day);
        }
    }

    /// <summary>The figures of <paramref name="from"/>..<paramref name="to"/> and the top <paramref name="topSkus"/> SKUs.</summary>
    public static StoreAnalytics Read(AnalyticsState state, DateOnly from, DateOnly to, int topSkus)
    {
        EnsureRange(from, to);
        if (topSkus is < 0 or > IStoreAnalyticsGrain.MaxTopSkus)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"Top SKUs are 0 to {IStoreAnalyticsGrain.MaxTopSkus}, not {topSkus}.");
        }

        var days = new List<DaySales>();
        var totals = SalesFigures.Zero;
        var skus = new Dictionary<string, SkuTally>(StringComparer.Ordinal);
        // Counted by day number: stepping a date past the calendar's last day (9999-12-31) would throw.
        for (var dayNumber = from.DayNumber; dayNumber <= to.DayNumber; dayNumber++)
        {
            var date = DateOnly.FromDayNumber(dayNumber);
            var day = state.Days.GetValueOrDefault(DayKey(date));
            var figures = day?.Figures() ?? SalesFigures.Zero;
            days.Add(new DaySales(date, figures));
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
        return new StoreAnalytics(state.Currency, from, to, totals, days, [.. top]);
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

    private static string DayKey(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
