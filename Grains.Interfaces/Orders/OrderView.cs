namespace MultiStore.Grains.Interfaces.Orders;

/// <summary>An order as shoppers and admins see it.</summary>
/// <param name="ExpiresAt">Payment deadline: an order still pending then expires and its stock returns.</param>
/// <param name="Currency">ISO 4217 code of every price in the order (the store's catalog currency at checkout).</param>
[GenerateSerializer, Immutable, Alias("multistore.OrderView")]
public sealed record OrderView(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string CartId,
    [property: Id(2)] OrderStatus Status,
    [property: Id(3)] IReadOnlyList<OrderLine> Lines,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset ExpiresAt,
    [property: Id(6)] DateTimeOffset? ClosedAt,
    [property: Id(7)] string? PaymentReference,
    [property: Id(8)] string? Currency = null)
{
    /// <summary>What the order costs: the sum of its lines at the prices quoted at checkout.</summary>
    public decimal Total => Lines.Sum(line => line.Amount);

    public int Units => Lines.Sum(line => line.Quantity);
}
