using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Grains.Stock;

/// <summary>What a stock entry persists: its numbers, the reservations it holds and the recent outcomes of settled ones.</summary>
[GenerateSerializer, Alias("multistore.StockState")]
public sealed class StockState
{
    [Id(0)] public int OnHand { get; set; }

    [Id(1)] public int SafetyStock { get; set; }

    /// <summary>False until an admin first sets or adjusts the entry: an unstocked SKU is unknown to shoppers.</summary>
    [Id(2)] public bool IsStocked { get; set; }

    [Id(3)] public Dictionary<string, HeldReservation> Held { get; set; } = [];

    /// <summary>Outcomes kept for <see cref="StockGrain.SettledRetention"/> so a retried id answers the same.</summary>
    [Id(4)] public Dictionary<string, SettledReservation> Settled { get; set; } = [];
}

[GenerateSerializer, Immutable, Alias("multistore.HeldReservation")]
public sealed record HeldReservation(
    [property: Id(0)] int Quantity,
    [property: Id(1)] DateTimeOffset ExpiresAt);

[GenerateSerializer, Immutable, Alias("multistore.SettledReservation")]
public sealed record SettledReservation(
    [property: Id(0)] ReservationStatus Status,
    [property: Id(1)] int Quantity,
    [property: Id(2)] DateTimeOffset SettledAt);
