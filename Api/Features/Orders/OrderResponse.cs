using MultiStore.Grains.Interfaces.Orders;

namespace MultiStore.Api.Features.Orders;

/// <summary>An order as shoppers and admins see it.</summary>
/// <param name="Status"><c>pending-payment</c>, <c>paid</c>, <c>cancelled</c> or <c>expired</c>.</param>
/// <param name="ExpiresAt">Payment deadline: a pending order expires then and its stock returns.</param>
/// <param name="Total">Always null: prices are not part of MultiStore yet.</param>
public sealed record OrderResponse(
    string OrderId,
    string CartId,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? ClosedAt,
    string? PaymentReference,
    IReadOnlyList<OrderLineResponse> Lines,
    decimal? Total)
{
    public static OrderResponse From(OrderView order) => new(
        order.OrderId,
        order.CartId,
        StatusName(order.Status),
        order.CreatedAt,
        order.ExpiresAt,
        order.ClosedAt,
        order.PaymentReference,
        [.. order.Lines.Select(line => new OrderLineResponse(line.Sku, line.Zone, line.Quantity, line.ReservationId))],
        Total: null);

    public static string StatusName(OrderStatus status) => status switch
    {
        OrderStatus.PendingPayment => "pending-payment",
        OrderStatus.Paid => "paid",
        OrderStatus.Cancelled => "cancelled",
        OrderStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown order status."),
    };
}

public sealed record OrderLineResponse(string Sku, string Zone, int Quantity, string ReservationId);
