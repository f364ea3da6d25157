namespace MultiStore.Grains.Interfaces.Carts;

/// <summary>The cart after a change, or the shortage or refusal that left it unchanged.</summary>
[GenerateSerializer, Immutable, Alias("multistore.CartChange")]
public sealed record CartChange(
    [property: Id(0)] CartView Cart,
    [property: Id(1)] StockShortage? Shortage,
    [property: Id(2)] CartRefusal? Refusal = null)
{
    public bool Succeeded => Shortage is null && Refusal is null;
}

/// <summary>Why the storefront's cart-line change was refused before anything was reserved.</summary>
[GenerateSerializer, Alias("multistore.CartRefusal")]
public enum CartRefusal
{
    /// <summary>The SKU is not stocked in that zone.</summary>
    NotStocked = 0,

    /// <summary>The SKU's product is archived: no longer for sale.</summary>
    NotForSale = 1,

    /// <summary>A new line would go beyond the storefront's cap on lines.</summary>
    CartFull = 2,
}
