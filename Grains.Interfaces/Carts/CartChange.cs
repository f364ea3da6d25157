namespace MultiStore.Grains.Interfaces.Carts;

/// <summary>The cart after a change, or the shortage that left it unchanged.</summary>
[GenerateSerializer, Immutable, Alias("multistore.CartChange")]
public sealed record CartChange(
    [property: Id(0)] CartView Cart,
    [property: Id(1)] StockShortage? Shortage)
{
    public bool Succeeded => Shortage is null;
}
