namespace MultiStore.Grains.Interfaces.Carts;

/// <summary>One SKU in a cart with the reservation that holds its units.</summary>
/// <param name="ExpiresAt">When the hold ends; in a checked-out cart, its order's payment deadline.</param>
/// <param name="IsHeld">
/// False once the reservation expired: checkout then tries to reserve again. In a checked-out cart, true only while its
/// order is pending payment (before its deadline).
/// </param>
[GenerateSerializer, Immutable, Alias("multistore.CartLine")]
public sealed record CartLine(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Zone,
    [property: Id(2)] int Quantity,
    [property: Id(3)] string ReservationId,
    [property: Id(4)] DateTimeOffset ExpiresAt,
    [property: Id(5)] bool IsHeld);
