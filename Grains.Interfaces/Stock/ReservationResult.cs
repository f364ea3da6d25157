namespace MultiStore.Grains.Interfaces.Stock;

/// <summary>The answer to a reservation request; the same id always gets the same kind of answer.</summary>
/// <param name="Quantity">Units the reservation holds (or held, once settled).</param>
/// <param name="ExpiresAt">When a held reservation returns its units; null once settled.</param>
/// <param name="Available">Units available in the entry after this request.</param>
[GenerateSerializer, Immutable, Alias("multistore.ReservationResult")]
public sealed record ReservationResult(
    [property: Id(0)] string ReservationId,
    [property: Id(1)] ReservationStatus Status,
    [property: Id(2)] int Quantity,
    [property: Id(3)] DateTimeOffset? ExpiresAt,
    [property: Id(4)] int Available)
{
    public bool IsHeld => Status == ReservationStatus.Reserved;
}
