using System.Text.Json.Serialization;
using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Grains.Stock;

/// <summary>What kind of fact a <see cref="StockChange"/> records.</summary>
public enum StockChangeKind
{
    /// <summary>An admin set on-hand and safety stock (absolute values, so a replay needs no history).</summary>
    Set = 0,

    /// <summary>A reservation now holds <see cref="StockChange.Quantity"/> units until <see cref="StockChange.ExpiresAt"/> (new, resized or extended).</summary>
    Hold = 1,

    /// <summary>
    /// A reservation ended with <see cref="StockChange.Outcome"/> (confirmed, released or expired). With the empty
    /// reservation id (<see cref="StockChange.NoReservation"/>, which no reservation can have) it settles nothing: that
    /// is how the store's acknowledgement of an alert (<see cref="StockChange.StoredAlertAt"/>) is journaled.
    /// </summary>
    Settle = 2,

    /// <summary>An admin set the reorder point (<see cref="StockChange.ReorderPoint"/>; null clears it).</summary>
    Reorder = 3,

    /// <summary>A confirmed reservation was taken back: its units are on hand again (once, whatever the retries).</summary>
    Return = 4,
}

/// <summary>
/// One fact in a stock entry's journal. A flat record on purpose: it is stored as JSON in PostgreSQL, and the
/// cost of a write is the few changes it carries, never the size of the entry's whole state. Counts at 0 are left
/// out of the JSON (they read back as the parameters' default, 0).
/// </summary>
/// <param name="IdempotencyKey">
/// On a <see cref="StockChangeKind.Set"/> made by a keyed delta adjustment: the client's key, remembered with the
/// change itself, so that "applied" and "key remembered" are one fact that no crash can split. Null (and absent from
/// the JSON, as in every journal written before keys existed) for everything else.
/// </param>
/// <param name="AlertNumber">
/// On a change marked <see cref="RaisesAlert"/>: the number of the alert it raises (<see cref="OutstandingAlert.Number"/>).
/// On an acknowledgement: the number of the alert the store stored, which settles that alert alone; an older build
/// ignores it and matches <see cref="StoredAlertAt"/>, as it always did. Null (absent from the JSON) for everything
/// else and in every journal written before alerts were numbered.
/// </param>
public sealed record StockChange(
    StockChangeKind Kind,
    DateTimeOffset At,
    string Actor,
    string? ReservationId = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int Quantity = 0,
    DateTimeOffset? ExpiresAt = null,
    ReservationStatus Outcome = ReservationStatus.Unknown,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int OnHand = 0,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] int SafetyStock = 0,
    string? Reason = null,
    int? ReorderPoint = null,
    string? IdempotencyKey = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool RaisesAlert = false,
    DateTimeOffset? StoredAlertAt = null,
    long? AlertNumber = null)
{
    /// <summary>The reservation id of an acknowledgement: empty, which <see cref="ReservationRequest.EnsureId"/> refuses to any reservation.</summary>
    public const string NoReservation = "";

    /// <summary>The journal's record that the store has stored <paramref name="alert"/>.</summary>
    public static StockChange AlertStored(OutstandingAlert alert, DateTimeOffset now) =>
        new(StockChangeKind.Settle, now, "system:alerts", NoReservation, StoredAlertAt: alert.At, AlertNumber: alert.Number);
}
