using MultiStore.Grains.Interfaces.Orders;

namespace MultiStore.Grains.Orders;

/// <summary>What an order persists: its view, or null before it was placed.</summary>
[GenerateSerializer, Alias("multistore.OrderState")]
public sealed class OrderState
{
    [Id(0)] public OrderView? Order { get; set; }

    /// <summary>
    /// The closing status the store's analytics acknowledged, so that no later activation reports the settled order
    /// again; null until then (and in states stored before it existed). A placement is never stored here: analytics
    /// remembers open orders, so the report a re-activated open order repeats counts nothing, and storing it would add
    /// a write to every checkout.
    /// </summary>
    [Id(1)] public OrderStatus? Reported { get; set; }
}
