using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Interfaces.Orders;

/// <summary>
/// One payment reference of a store (key <c>tenantId/</c><see cref="PaymentReferenceId.Of"/>): the one order it pays, so a
/// single capture never pays two orders. Only an order asks it, for itself, while it is being paid or closes unpaid.
/// </summary>
[RetrySafe]
[Alias("multistore.IPaymentReferenceGrain")]
public interface IPaymentReferenceGrain : ITenantScopedGrain
{
    /// <summary>
    /// Holds the reference for <paramref name="orderId"/> unless another order holds it: true when it is now (or
    /// already was) this order's, false when another order's. Idempotent, so a payment retried after a crash between
    /// the claim and the order's own write goes through.
    /// </summary>
    [RequiresPermission(StorePermission.OrdersPay), Alias("Claim")]
    Task<bool> ClaimAsync(string orderId);

    /// <summary>
    /// Frees the reference if <paramref name="orderId"/> holds it; nothing otherwise. Only for an order that closes
    /// unpaid (cancelled, expired, or whose payment was refused after the claim), or is paid under another reference or
    /// none: an order paid with it keeps it for good.
    /// </summary>
    [RequiresPermission(StorePermission.OrdersPay), Alias("Release")]
    Task ReleaseAsync(string orderId);
}
