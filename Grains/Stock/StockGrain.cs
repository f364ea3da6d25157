using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Stock;

/// <summary>
/// One SKU in one zone. Not reentrant: each call decides synchronously on the in-memory state and then
/// awaits its write, so no two decisions ever interleave and nothing is acknowledged before it is stored.
/// </summary>
public sealed class StockGrain(
    [PersistentState("stock", StorageNames.Store)] IPersistentState<StockState> stock,
    TimeProvider time,
    IOptions<ReservationOptions> options,
    ILogger<StockGrain> logger) : Grain, IStockGrain, IRemindable
{
    /// <summary>
    /// How long a settled reservation's outcome is remembered: a retry of the same id within this window
    /// answers its final status and never reserves again. Far longer than any hold may last.
    /// </summary>
    public static readonly TimeSpan SettledRetention = TimeSpan.FromDays(7);

    private static readonly TimeSpan LongestHold = TimeSpan.FromDays(1);
    private const int MaxReasonLength = 200;
    private const int MaxReservationIdLength = 128;

    private readonly ExpiryWatch _expiryWatch = new("stock-expiry");
    private string _sku = string.Empty;
    private string _zone = string.Empty;
    private int _reserved;

    private StockState State => stock.State;

    private int Available => Math.Max(0, State.OnHand - _reserved - State.SafetyStock);

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_sku, _zone) = StockEntryId.Parse(TenantKey.Parse(this.GetPrimaryKeyString()).EntityId);
        _reserved = State.Held.Values.Sum(held => held.Quantity);
        await WatchExpiriesAsync();
    }

    /// <inheritdoc />
    public async Task<StockLevel> GetAsync()
    {
        await SaveIfExpiredAsync();
        return Level();
    }

    /// <inheritdoc />
    public async Task<StockLevel> AdjustAsync(StockAdjustment adjustment)
    {
        var expired = ExpireDue();
        var (onHand, safetyStock) = Validate(adjustment);
        if (onHand < _reserved)
        {
            await SaveIfAsync(expired);
            throw new StoreRuleException(
                RuleCodes.OnHandBelowReserved,
                $"On-hand {onHand} would be below the {_reserved} units currently reserved for {_sku} in {_zone}.");
        }

        State.OnHand = onHand;
        State.SafetyStock = safetyStock;
        State.IsStocked = true;
        await SaveAsync();
        logger.LogInformation(
            "Stock {Sku}@{Zone} adjusted to on-hand {OnHand}, safety {Safety} by {Actor}: {Reason}",
            _sku, _zone, onHand, safetyStock, TenantContext.Actor, adjustment.Reason);
        return Level();
    }

    /// <inheritdoc />
    public async Task<ReservationResult> ReserveAsync(string reservationId, int quantity, TimeSpan ttl)
    {
        EnsureReservationId(reservationId);
        if (quantity is < 1 or > IdRules.MaxQuantity)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"A reservation holds 1 to {IdRules.MaxQuantity} units, not {quantity}.");
        }

        EnsureTtl(ttl);
        var expired = ExpireDue();
        if (State.Settled.TryGetValue(reservationId, out var settled))
        {
            await SaveIfAsync(expired);
            return Settled(reservationId, settled);
        }

        State.Held.TryGetValue(reservationId, out var held);
        var heldQuantity = held?.Quantity ?? 0;
        if (held is not null && heldQuantity == quantity)
        {
            // A retry of the same request: answer exactly as the first time, reserve nothing more.
            await SaveIfAsync(expired);
            return Held(reservationId, held);
        }

        if (quantity - heldQuantity > Available)
        {
            await SaveIfAsync(expired);
            return new ReservationResult(reservationId, ReservationStatus.InsufficientStock, heldQuantity, held?.ExpiresAt, Available);
        }

        var reservation = new HeldReservation(quantity, Now + ttl);
        State.Held[reservationId] = reservation;
        _reserved += quantity - heldQuantity;
        await SaveAsync();
        return Held(reservationId, reservation);
    }

    /// <inheritdoc />
    public async Task<ReservationResult> ExtendAsync(string reservationId, TimeSpan ttl)
    {
        EnsureReservationId(reservationId);
        EnsureTtl(ttl);
        var expired = ExpireDue();
        if (!State.Held.TryGetValue(reservationId, out var held))
        {
            await SaveIfAsync(expired);
            return NotHeld(reservationId);
        }

        var extended = held with { ExpiresAt = Now + ttl };
        State.Held[reservationId] = extended;
        await SaveAsync();
        return Held(reservationId, extended);
    }

    /// <inheritdoc />
    public Task<ReservationResult> ConfirmAsync(string reservationId) => SettleAsync(reservationId, ReservationStatus.Confirmed);

    /// <inheritdoc />
    public Task<ReservationResult> ReleaseAsync(string reservationId) => SettleAsync(reservationId, ReservationStatus.Released);

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // The reminder exists to wake a deactivated entry; activation and the sweep below do the work.
        await SaveIfExpiredAsync();
        await _expiryWatch.OnReminderAsync(this, State.Held.Count > 0);
    }

    private async Task<ReservationResult> SettleAsync(string reservationId, ReservationStatus outcome)
    {
        EnsureReservationId(reservationId);
        var expired = ExpireDue();
        if (!State.Held.Remove(reservationId, out var held))
        {
            await SaveIfAsync(expired);
            return NotHeld(reservationId);
        }

        _reserved -= held.Quantity;
        if (outcome == ReservationStatus.Confirmed)
        {
            State.OnHand -= held.Quantity;
        }

        var settled = new SettledReservation(outcome, held.Quantity, Now);
        State.Settled[reservationId] = settled;
        await SaveAsync();
        return Settled(reservationId, settled);
    }

    /// <summary>Moves every reservation whose time is up to Expired; true when anything changed.</summary>
    private bool ExpireDue()
    {
        var now = Now;
        var changed = false;
        foreach (var (id, held) in State.Held.Where(entry => entry.Value.ExpiresAt <= now).ToList())
        {
            State.Held.Remove(id);
            State.Settled[id] = new SettledReservation(ReservationStatus.Expired, held.Quantity, now);
            _reserved -= held.Quantity;
            changed = true;
        }

        foreach (var id in State.Settled.Where(entry => now - entry.Value.SettledAt > SettledRetention).Select(entry => entry.Key).ToList())
        {
            State.Settled.Remove(id);
            changed = true;
        }

        return changed;
    }

    private async Task SaveIfExpiredAsync() => await SaveIfAsync(ExpireDue());

    private async Task SaveIfAsync(bool changed)
    {
        if (changed)
        {
            await SaveAsync();
        }
    }

    private async Task SaveAsync()
    {
        try
        {
            await stock.WriteStateAsync();
        }
        catch
        {
            // The in-memory state is now ahead of storage: drop this activation so the next call
            // starts again from what was stored, and let the caller see the failure (no acknowledgement).
            DeactivateOnIdle();
            throw;
        }

        await WatchExpiriesAsync();
    }

    private Task WatchExpiriesAsync() =>
        _expiryWatch.UpdateAsync(this, State.Held.Count > 0, options.Value, SaveIfExpiredAsync);

    private (int OnHand, int SafetyStock) Validate(StockAdjustment adjustment)
    {
        if (string.IsNullOrWhiteSpace(adjustment.Reason) || adjustment.Reason.Length > MaxReasonLength)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"An adjustment needs a reason of 1 to {MaxReasonLength} characters.");
        }

        if (adjustment.Delta.HasValue == adjustment.SetOnHand.HasValue)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, "An adjustment names either a delta or a new on-hand, not both or neither.");
        }

        if (adjustment.Delta is 0)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, "A delta of 0 changes nothing.");
        }

        var onHand = adjustment.SetOnHand ?? (long)State.OnHand + adjustment.Delta!.Value;
        if (onHand > IdRules.MaxOnHand || (adjustment.SetOnHand is < 0))
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"On-hand must stay between 0 and {IdRules.MaxOnHand}.");
        }

        var safetyStock = adjustment.SafetyStock ?? State.SafetyStock;
        if (safetyStock is < 0 or > IdRules.MaxOnHand)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"Safety stock must be between 0 and {IdRules.MaxOnHand}.");
        }

        // A negative result is reported as "below reserved" by the caller: reserved is never negative.
        return ((int)Math.Max(onHand, -1), safetyStock);
    }

    private static void EnsureReservationId(string reservationId)
    {
        if (string.IsNullOrWhiteSpace(reservationId) || reservationId.Length > MaxReservationIdLength)
        {
            throw new StoreRuleException(RuleCodes.InvalidId, $"A reservation id has 1 to {MaxReservationIdLength} characters.");
        }
    }

    private static void EnsureTtl(TimeSpan ttl)
    {
        if (ttl <= TimeSpan.Zero || ttl > LongestHold)
        {
            throw new StoreRuleException(RuleCodes.InvalidTtl, $"A reservation is held for more than 0 and at most {LongestHold.TotalHours} hours.");
        }
    }

    private DateTimeOffset Now => time.GetUtcNow();

    private StockLevel Level() => new(_sku, _zone, State.OnHand, _reserved, State.SafetyStock, State.IsStocked);

    private ReservationResult Held(string id, HeldReservation held) =>
        new(id, ReservationStatus.Reserved, held.Quantity, held.ExpiresAt, Available);

    private ReservationResult Settled(string id, SettledReservation settled) =>
        new(id, settled.Status, settled.Quantity, null, Available);

    private ReservationResult NotHeld(string id) =>
        State.Settled.TryGetValue(id, out var settled)
            ? Settled(id, settled)
            : new ReservationResult(id, ReservationStatus.Unknown, 0, null, Available);
}
