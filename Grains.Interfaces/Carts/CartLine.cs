namespace MultiStore.Grains.Interfaces.Carts;

/// <summary>One SKU in a cart with the reservation that holds its units.</summary>
/// <param name="IsHeld">False once the reservation expired: checkout then tries to reserve again.</param>
[GenerateSerializer, Immutable, Alias("multistore.CartLine")]
public sealed record CartLine(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Zone,
    [property: Id(2)] int Quantity,
    [property: Id(3)] string ReservationId,
    [property: Id(4)] DateTimeOffset ExpiresAt,
    [property: Id(5)] bool IsHeld);
