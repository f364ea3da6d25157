using MultiStore.Grains.Interfaces.Orders;

namespace MultiStore.Grains.Orders;

/// <summary>What an order persists: its view, or null before it was placed.</summary>
[GenerateSerializer, Alias("multistore.OrderState")]
public sealed class OrderState
{
    [Id(0)] public OrderView? Order { get; set; }

    /// <summary>
    /// The closing status the store's analytics acknowledged, so that no later activation reports the settled order
    /// again; null until then (and in states stored before it existed). Never <see cref="OrderStatus.PendingPayment"/>:
    /// an earlier release reads a status stored here as settled and stops watching the order's deadline.
    /// </summary>
    [Id(1)] public OrderStatus? Reported { get; set; }

    /// <summary>
    /// Whether the store's analytics acknowledged the placement and the order stored so: a re-activated open order
    /// then reports nothing, and its close tells analytics the placement was counted, so analytics need not remember
    /// open orders. Stored by the order's watch a tick after the placement (skipped when the order closed meanwhile).
    /// </summary>
    [Id(2)] public bool PlacementReported { get; set; }

    /// <summary>
    /// The cart that checked this order out reopened before it was placed (<see cref="OrderGrain.AbandonUnplacedAsync"/>):
    /// it is never placed. Stored as a row of its own, so a placement written from an activation that read no row
    /// meets a stale version.
    /// </summary>
    [Id(3)] public bool Abandoned { get; set; }

    /// <summary>
    /// The payment reference this order claims (<see cref="MultiStore.Grains.Interfaces.Orders.IPaymentReferenceGrain"/>),
    /// stored before the claim is made: an order that then closes unpaid, even after a crash mid-payment, knows which
    /// claim to give back. Kept once paid (the claim stays).
    /// </summary>
    [Id(4)] public string? ClaimedPaymentReference { get; set; }

    /// <summary>
    /// The reference this order held when a payment was retried under another (<see cref="ClaimedPaymentReference"/>),
    /// kept until that other one is won: a refused retry falls back to it, a won one gives it back, and an order that
    /// closes unpaid meanwhile gives back both. Null otherwise (and in states stored before it existed).
    /// </summary>
    [Id(5)] public string? ReplacedPaymentReference { get; set; }

    /// <summary>How far the store's analytics acknowledged the order, as stored: its close, its placement or nothing.</summary>
    public OrderStatus? StoredAcknowledgment => Reported ?? (PlacementReported ? OrderStatus.PendingPayment : null);
}
