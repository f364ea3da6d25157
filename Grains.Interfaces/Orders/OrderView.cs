namespace MultiStore.Grains.Interfaces.Orders;

/// <summary>An order as shoppers and admins see it.</summary>
/// <param name="ExpiresAt">Payment deadline: an order still pending then expires and its stock returns.</param>
[GenerateSerializer, Immutable, Alias("multistore.OrderView")]
public sealed record OrderView(
    [property: Id(0)] string OrderId,
    [property: Id(1)] string CartId,
    [property: Id(2)] OrderStatus Status,
    [property: Id(3)] IReadOnlyList<OrderLine> Lines,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset ExpiresAt,
    [property: Id(6)] DateTimeOffset? ClosedAt,
    [property: Id(7)] string? PaymentReference);
