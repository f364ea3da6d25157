using MultiStore.Grains.Interfaces.Analytics;
using MultiStore.Grains.Interfaces.Orders;

namespace MultiStore.Grains.Analytics;

/// <summary>What a store's analytics grain persists: figures per UTC day and which orders were counted how far.</summary>
[GenerateSerializer, Alias("multistore.AnalyticsState")]
public sealed class AnalyticsState
{
    /// <summary>The currency of the revenue figures (the last order's).</summary>
    [Id(0)] public string? Currency { get; set; }

    /// <summary>
    /// Figures by UTC day, keyed <c>yyyy-MM-dd</c>: the days from <see cref="ArchivedBefore"/> on (the days no report
    /// can change any more are moved to the month archives, see <see cref="StoreAnalyticsRules.FinalBefore"/>).
    /// </summary>
    [Id(1)] public Dictionary<string, AnalyticsDay> Days { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// How far each order whose count is still in doubt was counted (placed, or closed with which status): what makes
    /// a repeated report count nothing. An order is forgotten as soon as it says it stored what was acknowledged
    /// (<see cref="StoreAnalyticsRules.Forget"/>), so this holds the orders of the last seconds, not of a whole sale.
    /// Orders that never say so (an earlier release's, or a lost call) go after the time limits of
    /// <see cref="StoreAnalyticsRules.Prune"/>.
    /// </summary>
    [Id(2)] public Dictionary<string, CountedOrder> Orders { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The days before this one are in the store's month archives (<see cref="StoreAnalyticsMonthGrain"/>), not
    /// here; null while nothing was archived (a state stored before archiving existed holds every kept day).
    /// </summary>
    [Id(3)] public DateOnly? ArchivedBefore { get; set; }

    /// <summary>
    /// The first day of the oldest month whose archive may still hold days; null while nothing was archived. Months
    /// that end before the kept days are cleared, and this moves on past them.
    /// </summary>
    [Id(4)] public DateOnly? ArchivedFrom { get; set; }

    public AnalyticsState Copy() => new()
    {
        Currency = Currency,
        ArchivedBefore = ArchivedBefore,
        ArchivedFrom = ArchivedFrom,
        Days = Days.ToDictionary(day => day.Key, day => day.Value.Copy(), StringComparer.Ordinal),
        Orders = new Dictionary<string, CountedOrder>(Orders, StringComparer.Ordinal),
    };
}

/// <summary>One UTC day's counters.</summary>
[GenerateSerializer, Alias("multistore.AnalyticsDay")]
public sealed class AnalyticsDay
{
    [Id(0)] public long OrdersPlaced { get; set; }

    [Id(1)] public long OrdersPaid { get; set; }

    [Id(2)] public long OrdersCancelled { get; set; }

    [Id(3)] public long OrdersExpired { get; set; }

    [Id(4)] public decimal Revenue { get; set; }

    [Id(5)] public long UnitsSold { get; set; }

    [Id(6)] public long UnitsExpired { get; set; }

    /// <summary>Units and revenue per SKU of the orders paid that day.</summary>
    [Id(7)] public Dictionary<string, SkuTally> Skus { get; set; } = new(StringComparer.Ordinal);

    public SalesFigures Figures() => new(OrdersPlaced, OrdersPaid, OrdersCancelled, OrdersExpired, Revenue, UnitsSold, UnitsExpired);

    /// <summary>The day as the month archive takes and gives it.</summary>
    public DayFigures ToDayFigures(DateOnly date, bool withSkus = true) => new(
        date,
        Figures(),
        withSkus ? [.. Skus.OrderBy(sku => sku.Key, StringComparer.Ordinal).Select(sku => new SkuSales(sku.Key, sku.Value.Units, sku.Value.Revenue))] : []);

    public static AnalyticsDay From(DayFigures day) => new()
    {
        OrdersPlaced = day.Figures.OrdersPlaced,
        OrdersPaid = day.Figures.OrdersPaid,
        OrdersCancelled = day.Figures.OrdersCancelled,
        OrdersExpired = day.Figures.OrdersExpired,
        Revenue = day.Figures.Revenue,
        UnitsSold = day.Figures.UnitsSold,
        UnitsExpired = day.Figures.UnitsExpired,
        Skus = day.Skus.ToDictionary(sku => sku.Sku, sku => new SkuTally(sku.Units, sku.Revenue), StringComparer.Ordinal),
    };

    public AnalyticsDay Copy()
    {
        var copy = (AnalyticsDay)MemberwiseClone();
        copy.Skus = new Dictionary<string, SkuTally>(Skus, StringComparer.Ordinal);
        return copy;
    }
}

/// <summary>A SKU's sales on one day.</summary>
[GenerateSerializer, Immutable, Alias("multistore.SkuTally")]
public sealed record SkuTally(
    [property: Id(0)] long Units,
    [property: Id(1)] decimal Revenue);

/// <summary>How far one order was counted: <see cref="OrderStatus.PendingPayment"/> once placed, then its closing status.</summary>
/// <param name="ClosedAt">When the counted close happened; null while open, and in states stored before it was kept.</param>
[GenerateSerializer, Immutable, Alias("multistore.CountedOrder")]
public sealed record CountedOrder(
    [property: Id(0)] OrderStatus Status,
    [property: Id(1)] DateTimeOffset PlacedAt,
    [property: Id(2)] DateTimeOffset? ClosedAt = null);
