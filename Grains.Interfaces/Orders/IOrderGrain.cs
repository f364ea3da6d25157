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

    /// <summary>
    /// For the order's cart, before it reopens after a checkout whose placing failed: the order if it was placed after
    /// all; otherwise null, once storage holds that it never will be. A placement still in flight elsewhere (a second
    /// activation, briefly possible around a silo's failure) then fails its write, and any later placement is refused,
    /// so the reopened cart's holds can never also be an order's. Idempotent.
    /// </summary>
    [RequiresPermission(StorePermission.Shop)]
    [Alias("AbandonUnplaced")]
    Task<OrderView?> AbandonUnplacedAsync();

    /// <summary>Records a captured payment and confirms every reservation; idempotent once paid.</summary>
    [RequiresPermission(StorePermission.OrdersPay)]
    [Alias("Pay")]
    Task<OrderView> PayAsync(string? paymentReference);

    /// <summary>
    /// Cancels a pending order and releases its stock; idempotent once cancelled. A paid order is refused as
    /// <see cref="RuleCodes.OrderNotPending"/>, one past its deadline as <see cref="RuleCodes.OrderExpired"/> (as a payment of it is).
    /// </summary>
    [RequiresPermission(StorePermission.Shop)]
    [Alias("Cancel")]
    Task<OrderView> CancelAsync();
}
