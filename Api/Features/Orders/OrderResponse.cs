using MultiStore.Grains.Interfaces.Orders;

namespace MultiStore.Api.Features.Orders;

/// <summary>An order as shoppers and admins see it.</summary>
/// <param name="Status"><c>pending-payment</c>, <c>paid</c>, <c>cancelled</c> or <c>expired</c>.</param>
/// <param name="ExpiresAt">Payment deadline: a pending order expires then and its stock returns.</param>
/// <param name="Total">The sum of the lines at the prices quoted from the catalog at checkout.</param>
/// <param name="Currency">ISO 4217 code of every price in the order (the store's catalog currency).</param>
public sealed record OrderResponse(
    string OrderId,
    string CartId,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? ClosedAt,
    string? PaymentReference,
    IReadOnlyList<OrderLineResponse> Lines,
    decimal Total,
    string? Currency)
{
    public static OrderResponse From(OrderView order) => new(
        order.OrderId,
        order.CartId,
        StatusName(order.Status),
        order.CreatedAt,
        order.ExpiresAt,
        order.ClosedAt,
        order.PaymentReference,
        [.. order.Lines.Select(line => new OrderLineResponse(line.Sku, line.Zone, line.Quantity, line.ReservationId, line.UnitPrice))],
        order.Total,
        order.Currency);

    public static string StatusName(OrderStatus status) => status switch
    {
        OrderStatus.PendingPayment => "pending-payment",
        OrderStatus.Paid => "paid",
        OrderStatus.Cancelled => "cancelled",
        OrderStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, "Unknown order status."),
    };
}

/// <param name="UnitPrice">The catalog's price at checkout; 0 for a SKU the catalog never issued (stock set up outside it).</param>
public sealed record OrderLineResponse(string Sku, string Zone, int Quantity, string ReservationId, decimal UnitPrice);
