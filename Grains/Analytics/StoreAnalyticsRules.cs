using System.Globalization;
using MultiStore.Grains.Interfaces.Analytics;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Orders;

namespace MultiStore.Grains.Analytics;

/// <summary>How an order report changes a store's figures, and how figures are read. Pure functions of the state.</summary>
public static class StoreAnalyticsRules
{
    /// <summary>
    /// How long an order is remembered as counted. A report of an order placed longer ago than this is ignored: it
    /// cannot be told from one already counted. Orders settle within their payment window (minutes), and a report
    /// that failed is retried within seconds, so only a report delayed by weeks is lost (and never double counted).
    /// </summary>
    public static readonly TimeSpan OrderMemory = TimeSpan.FromDays(30);

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

    /// <summary>Forgets the orders placed before <paramref name="cutoff"/>; their figures stay.</summary>
    public static void ForgetOrdersBefore(AnalyticsState state, DateTimeOffset cutoff)
    {
        foreach (var (orderId, counted) in state.Orders.Where(order => order.Value.PlacedAt < cutoff).ToList())
        {
            state.Orders.Remove(orderId);
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
