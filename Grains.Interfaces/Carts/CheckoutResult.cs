using MultiStore.Grains.Interfaces.Orders;

namespace MultiStore.Grains.Interfaces.Carts;

/// <summary>The order a checkout created (the same one on a repeated checkout), or the shortage that stopped it.</summary>
/// <param name="AlreadyCheckedOut">
/// The cart had been checked out by an earlier call that was answered: this call placed nothing. Decided inside the cart,
/// so of two checkouts of one cart at once exactly one is told it placed the order. (False from a silo of the previous
/// release, which did not say.)
/// </param>
[GenerateSerializer, Immutable, Alias("multistore.CheckoutResult")]
public sealed record CheckoutResult(
    [property: Id(0)] OrderView? Order,
    [property: Id(1)] StockShortage? Shortage,
    [property: Id(2)] bool AlreadyCheckedOut = false);
