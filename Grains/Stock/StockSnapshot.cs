using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Grains.Stock;

/// <summary>A stock entry's whole state at one journal version, so activation replays only the changes after it.</summary>
public sealed record StockSnapshot(
    int OnHand,
    int SafetyStock,
    bool IsStocked,
    long LedgerSequence,
    IReadOnlyDictionary<string, HeldReservation> Held,
    IReadOnlyDictionary<string, SettledReservation> Settled,
    int? ReorderPoint = null);

/// <summary>
/// Units held for a reservation until it expires. A value, not an object: an entry keeps one per open hold, and in a
/// sale every hold is new while the entry is old, so each would be one more young object the collector must trace
/// from the old generation (measured: ephemeral collections of the silo spend most of their time on such pointers).
/// </summary>
public readonly record struct HeldReservation(int Quantity, DateTimeOffset ExpiresAt);

/// <summary>How a reservation ended, kept so a retry of its id answers the same.</summary>
public sealed record SettledReservation(ReservationStatus Status, int Quantity, DateTimeOffset SettledAt);
