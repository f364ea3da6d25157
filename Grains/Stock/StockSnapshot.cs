using System.Text.Json.Serialization;
using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Grains.Stock;

/// <summary>A stock entry's whole state at one journal version, so activation replays only the changes after it.</summary>
/// <param name="KeyedAdjustments">
/// The idempotency keys the entry remembers, oldest first (the order decides which is forgotten first). Null when it
/// remembers none, and in every snapshot written before keys existed.
/// </param>
/// <param name="LowAlerted">
/// True when <see cref="StockBook.LowAlerted"/> is set on an entry that is not low; null otherwise (it is then whether the
/// entry is low) and in every snapshot written before the flag existed.
/// </param>
/// <param name="OutstandingAlerts">
/// Alerts raised whose storing the store has not acknowledged yet, oldest first: the entry raises them again when it
/// activates. Null when there are none (nearly always), and in every snapshot written before acknowledgements existed.
/// </param>
/// <param name="AlertsRaised">
/// The number of the entry's latest alert (<see cref="OutstandingAlert.Number"/>), so the next one gets a new number.
/// Null when it raised none, and in every snapshot written before alerts were numbered.
/// </param>
/// <param name="AlertsDropped">
/// How many alerts the entry stopped waiting for because <see cref="StockBook.MaxOutstandingAlerts"/> newer ones were
/// outstanding. Null when none were (nearly always), and in every snapshot written before they were counted.
/// </param>
public sealed record StockSnapshot(
    int OnHand,
    int SafetyStock,
    bool IsStocked,
    long LedgerSequence,
    IReadOnlyDictionary<string, HeldReservation> Held,
    IReadOnlyDictionary<string, SettledReservation> Settled,
    int? ReorderPoint = null,
    IReadOnlyList<KeyedAdjustment>? KeyedAdjustments = null,
    bool? LowAlerted = null,
    IReadOnlyList<OutstandingAlert>? OutstandingAlerts = null,
    long? AlertsRaised = null,
    long? AlertsDropped = null);

/// <summary>
/// A low-stock alert the entry raised (its change is durable) that the store has not acknowledged storing. Its
/// numbers are those after the change that raised it, so a replay rebuilds the very alert raised live, and the store,
/// which ignores an alert it already has, stores it once however often it is raised.
/// </summary>
/// <param name="Number">
/// The alert's identity in its entry (1, 2, … never reused), given when it is raised and journaled with the change that
/// raises it: two alerts of one entry can share every number and their time (a fast clock or a frozen one), and the
/// store's acknowledgement must settle the one it stored, never the other. 0 (absent from the JSON) in snapshots written
/// before alerts were numbered; <see cref="StockBook.From"/> numbers those as it loads them.
/// </param>
public sealed record OutstandingAlert(
    int Available,
    int ReorderPoint,
    DateTimeOffset At,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] long Number = 0)
{
    /// <param name="dropped">The entry's <see cref="StockBook.AlertsDropped"/>, which the store counts per entry.</param>
    public LowStockAlert ToAlert(string sku, string zone, long dropped) => new(sku, zone, Available, ReorderPoint, At, Number, dropped);
}

/// <summary>
/// Units held for a reservation until it expires. A value, not an object: an entry keeps one per open hold, and in a
/// sale every hold is new while the entry is old, so each would be one more young object the collector must trace
/// from the old generation (measured: ephemeral collections of the silo spend most of their time on such pointers).
/// </summary>
public readonly record struct HeldReservation(int Quantity, DateTimeOffset ExpiresAt);

/// <summary>How a reservation ended, kept so a retry of its id answers the same.</summary>
public sealed record SettledReservation(ReservationStatus Status, int Quantity, DateTimeOffset SettledAt);

/// <summary>
/// A delta adjustment made with an idempotency key, remembered so that a retry of the same request applies nothing
/// and a different request under the same key is refused.
/// </summary>
/// <param name="Delta">The change of on-hand it made (a keyed adjustment is always a delta).</param>
/// <param name="Reason">Its reason exactly as recorded, kind included ("receive: delivery").</param>
/// <param name="At">When it was applied: keys are forgotten after <see cref="StockGrain.KeyRetention"/>.</param>
public sealed record KeyedAdjustment(string Key, int Delta, string Reason, DateTimeOffset At)
{
    /// <summary>Whether <paramref name="adjustment"/> asks for exactly what this key already did.</summary>
    public bool IsSameRequest(StockAdjustment adjustment) =>
        adjustment.Delta == Delta && adjustment.SetOnHand is null && string.Equals(adjustment.Reason, Reason, StringComparison.Ordinal);
}
