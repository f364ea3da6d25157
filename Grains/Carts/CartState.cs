namespace MultiStore.Grains.Carts;

/// <summary>What a cart persists.</summary>
[GenerateSerializer, Alias("multistore.CartState")]
public sealed class CartState
{
    /// <summary>Lines by SKU.</summary>
    [Id(0)] public Dictionary<string, CartLineState> Lines { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The order this cart became; the cart is closed once it is set.</summary>
    [Id(1)] public string? OrderId { get; set; }

    /// <summary>The order id chosen by a checkout in progress, so a retried checkout places the same order.</summary>
    [Id(2)] public string? PendingOrderId { get; set; }

    [Id(3)] public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Counts reservations made by this cart, so each new one gets a fresh id.</summary>
    [Id(4)] public int ReservationSequence { get; set; }

    [Id(5)] public bool Exists { get; set; }
}

/// <summary>One persisted cart line.</summary>
[GenerateSerializer, Immutable, Alias("multistore.CartLineState")]
public sealed record CartLineState(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Zone,
    [property: Id(2)] int Quantity,
    [property: Id(3)] string ReservationId,
    [property: Id(4)] DateTimeOffset ExpiresAt);
