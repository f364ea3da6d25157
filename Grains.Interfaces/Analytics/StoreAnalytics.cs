namespace MultiStore.Grains.Interfaces.Analytics;

/// <summary>A store's figures over a range of UTC days.</summary>
/// <param name="Currency">The currency of every revenue figure (the store's catalog currency); null before the first order.</param>
/// <param name="Days">Every day of the range, oldest first, days without orders included (as zeros).</param>
/// <param name="TopSkus">The SKUs with the most units sold in the range, most first.</param>
[GenerateSerializer, Immutable, Alias("multistore.StoreAnalytics")]
public sealed record StoreAnalytics(
    [property: Id(0)] string? Currency,
    [property: Id(1)] DateOnly From,
    [property: Id(2)] DateOnly To,
    [property: Id(3)] SalesFigures Totals,
    [property: Id(4)] IReadOnlyList<DaySales> Days,
    [property: Id(5)] IReadOnlyList<SkuSales> TopSkus);

/// <summary>One UTC day's figures.</summary>
[GenerateSerializer, Immutable, Alias("multistore.DaySales")]
public sealed record DaySales(
    [property: Id(0)] DateOnly Date,
    [property: Id(1)] SalesFigures Figures);

/// <summary>What one SKU sold (paid orders only).</summary>
[GenerateSerializer, Immutable, Alias("multistore.SkuSales")]
public sealed record SkuSales(
    [property: Id(0)] string Sku,
    [property: Id(1)] long Units,
    [property: Id(2)] decimal Revenue);

/// <summary>Order counts and what they sold.</summary>
/// <param name="Revenue">The total of the paid orders, in one currency.</param>
/// <param name="UnitsSold">Units of the paid orders.</param>
/// <param name="UnitsExpired">Units held for orders that expired unpaid (they went back to stock).</param>
[GenerateSerializer, Immutable, Alias("multistore.SalesFigures")]
public sealed record SalesFigures(
    [property: Id(0)] long OrdersPlaced,
    [property: Id(1)] long OrdersPaid,
    [property: Id(2)] long OrdersCancelled,
    [property: Id(3)] long OrdersExpired,
    [property: Id(4)] decimal Revenue,
    [property: Id(5)] long UnitsSold,
    [property: Id(6)] long UnitsExpired)
{
    public static SalesFigures Zero { get; } = new(0, 0, 0, 0, 0m, 0, 0);

    /// <summary>
    /// The flash-sale conversion: of the orders whose held stock was settled by payment or by expiry, the share that
    /// paid (paid ÷ (paid + expired)); null when none was settled either way. Cancellations count in neither.
    /// </summary>
    public double? Conversion => OrdersPaid + OrdersExpired == 0 ? null : (double)OrdersPaid / (OrdersPaid + OrdersExpired);

    /// <summary>Adds two sets of counts; revenue only makes sense when both are in the same currency.</summary>
    public SalesFigures Plus(SalesFigures other) => new(
        OrdersPlaced + other.OrdersPlaced,
        OrdersPaid + other.OrdersPaid,
        OrdersCancelled + other.OrdersCancelled,
        OrdersExpired + other.OrdersExpired,
        Revenue + other.Revenue,
        UnitsSold + other.UnitsSold,
        UnitsExpired + other.UnitsExpired);
}
