using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Interfaces.Stock;

/// <summary>
/// One SKU's stock in one warehouse zone (key <c>tenantId/sku@zone</c>). Every decision is made here,
/// one call at a time, so concurrent shoppers can never reserve more than is available.
/// Each change is acknowledged only after it is durable in the entry's journal.
/// </summary>
[Alias("multistore.IStockGrain")]
public interface IStockGrain : ITenantScopedGrain
{
    [RetrySafe]
    [RequiresPermission(StorePermission.StockRead, StorePermission.Shop)]
    [Alias("Get")]
    Task<StockLevel> GetAsync();

    /// <summary>
    /// Whether the entry is stocked at all, answered once what was decided before the call is durable (a first
    /// adjustment still on its way to the journal is not stocked yet). For a gate in front of a reservation or a
    /// listing, never for showing numbers (<see cref="GetAsync"/>).
    /// </summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.StockRead, StorePermission.Shop)]
    [Alias("IsStocked")]
    Task<bool> IsStockedAsync();

    /// <summary>
    /// Changes on-hand (and optionally safety stock) for an admin. Refused with <c>on-hand-below-reserved</c>
    /// when on-hand would drop below the units currently reserved. A delta with an
    /// <see cref="StockAdjustment.IdempotencyKey"/> is applied once per key: a repeat answers the current level and
    /// applies nothing, and the key with another delta or reason is refused with <c>idempotency-key-reused</c>.
    /// An adjustment that leaves a stocked entry's on-hand and safety stock as they are (an unedited export imported
    /// again) writes nothing, no ledger line either, and answers the level.
    /// </summary>
    [RequiresPermission(StorePermission.StockWrite)]
    [Alias("Adjust")]
    Task<StockLevel> AdjustAsync(StockAdjustment adjustment);

    /// <summary>
    /// Holds <paramref name="quantity"/> units until now + <paramref name="ttl"/>. Idempotent per id:
    /// repeating a request answers the same and reserves nothing more. Asking an active reservation for a
    /// different quantity resizes it (growing only if available), and a settled id answers its final status.
    /// </summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.Shop)]
    [Alias("Reserve")]
    Task<ReservationResult> ReserveAsync(string reservationId, int quantity, TimeSpan ttl);

    /// <summary>
    /// <see cref="ReserveAsync"/> for each request in order, decided together and answered together once durable:
    /// how <see cref="ReservationCoalescer"/> sends many shoppers' reservations of one entry in one call. The answers
    /// are in the order of the requests. One invalid request refuses the whole call, and then nothing is reserved.
    /// </summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.Shop)]
    [Alias("ReserveMany")]
    Task<ReservationResult[]> ReserveManyAsync(ReservationRequest[] requests);

    /// <summary>Moves a held reservation's expiry to now + <paramref name="ttl"/> (checkout → payment window).</summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.Shop)]
    [Alias("Extend")]
    Task<ReservationResult> ExtendAsync(string reservationId, TimeSpan ttl);

    /// <summary>Turns a held reservation into a permanent decrement of on-hand; idempotent.</summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.OrdersPay)]
    [Alias("Confirm")]
    Task<ReservationResult> ConfirmAsync(string reservationId);

    /// <summary>
    /// Takes a confirmed reservation back (its payment was reversed): its units are on hand again. Idempotent: a
    /// retry answers <see cref="ReservationStatus.Returned"/> and adds nothing; any other reservation is left as it is.
    /// Never refused: units that would take on-hand past <see cref="IdRules.MaxOnHand"/> are written off instead (the
    /// ledger line says how many), as on-hand never passes it.
    /// </summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.OrdersPay)]
    [Alias("Return")]
    Task<ReservationResult> ReturnAsync(string reservationId);

    /// <summary>Gives a held reservation's units back; idempotent.</summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.Shop)]
    [Alias("Release")]
    Task<ReservationResult> ReleaseAsync(string reservationId);

    /// <summary>The entry's history, newest first: up to <paramref name="take"/> lines older than <paramref name="before"/>.</summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.StockRead)]
    [Alias("GetLedger")]
    Task<LedgerPage> GetLedgerAsync(long? before, int take);

    /// <summary>
    /// Sets (or with null clears) the reorder point. Whenever available falls to or below it — by a sale, a
    /// reservation, an adjustment, or a new point set above the current level — the store's
    /// <see cref="IStockAlertsGrain"/> is told once the change is durable.
    /// </summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.AlertsWrite)]
    [Alias("SetReorderPoint")]
    Task<StockLevel> SetReorderPointAsync(int? reorderPoint);

    /// <summary>
    /// Expires every hold that is due and makes the entry's wake-up time durable: how the silos' sweeper brings
    /// back an entry no active timer watches (deactivated, or on a silo that is gone). No role may: system code only.
    /// </summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.StockExpire)]
    [Alias("Wake")]
    Task WakeAsync();
}
