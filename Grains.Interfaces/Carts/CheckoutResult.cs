using MultiStore.Grains.Interfaces.Orders;

namespace MultiStore.Grains.Interfaces.Carts;

/// <summary>The order a checkout created (the same one on a repeated checkout), or the shortage that stopped it.</summary>
[GenerateSerializer, Immutable, Alias("multistore.CheckoutResult")]
public sealed record CheckoutResult(
    [property: Id(0)] OrderView? Order,
    [property: Id(1)] StockShortage? Shortage);
