using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Interfaces.Orders;

/// <summary>
/// An order (key <c>tenantId/orderId</c>): pending payment until paid (reservations confirmed, stock leaves
/// on-hand), cancelled or expired (reservations released).
/// </summary>
[RetrySafe]
[Alias("multistore.IOrderGrain")]
public interface IOrderGrain : ITenantScopedGrain
{
    /// <summary>
    /// Creates the order from a checked-out cart, its lines priced in <paramref name="currency"/>; repeating it with
    /// the same cart answers the same order.
    /// </summary>
    [RequiresPermission(StorePermission.Shop)]
    [Alias("Place")]
    Task<OrderView> PlaceAsync(string cartId, IReadOnlyList<OrderLine> lines, string currency, DateTimeOffset expiresAt);

    /// <summary>The order, or null when there is none with this id.</summary>
    [RequiresPermission(StorePermission.Shop, StorePermission.OrdersRead, StorePermission.OrdersPay)]
    [Alias("Get")]
    Task<OrderView?> GetAsync();

    /// <summary>Records a captured payment and confirms every reservation; idempotent once paid.</summary>
    [RequiresPermission(StorePermission.OrdersPay)]
    [Alias("Pay")]
    Task<OrderView> PayAsync(string? paymentReference);

    /// <summary>Cancels a pending order and releases its stock; idempotent once cancelled.</summary>
    [RequiresPermission(StorePermission.Shop)]
    [Alias("Cancel")]
    Task<OrderView> CancelAsync();
}
