namespace MultiStore.Grains.Interfaces.Orders;

/// <summary>One SKU of an order with the reservation that holds its units.</summary>
/// <param name="UnitPrice">
/// The catalog's price when the cart was checked out, in the order's <see cref="OrderView.Currency"/>; 0 for a SKU the
/// catalog never issued (stock an admin set directly), which is sold but earns no revenue.
/// </param>
[GenerateSerializer, Immutable, Alias("multistore.OrderLine")]
public sealed record OrderLine(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Zone,
    [property: Id(2)] int Quantity,
    [property: Id(3)] string ReservationId,
    [property: Id(4)] decimal UnitPrice = 0m)
{
    public decimal Amount => UnitPrice * Quantity;
}
