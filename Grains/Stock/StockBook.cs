using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Grains.Stock;

/// <summary>
/// A stock entry's numbers in memory. Decisions read it; <see cref="Apply"/> is the only way it changes, both
/// for a live decision and for a replay of the journal, so a reloaded entry is exactly the one that wrote.
/// Deadlines sit in a priority queue, so a call costs the same with 10 or 10,000 reservations held.
/// </summary>
internal sealed class StockBook
{
    private readonly Dictionary<string, HeldReservation> _held = [];
    private readonly Dictionary<string, SettledReservation> _settled = [];
    private readonly PriorityQueue<string, DateTimeOffset> _deadlines = new();
    private readonly Queue<(string Id, DateTimeOffset SettledAt)> _settledOrder = new();
    private readonly Dictionary<string, KeyedAdjustment> _keyed = new(StringComparer.Ordinal);
    private readonly Queue<KeyedAdjustment> _keyedOrder = new();
    private readonly List<OutstandingAlert> _outstandingAlerts = [];

    /// <summary>
    /// Most idempotency keys an entry remembers; a newer keyed adjustment makes it forget the oldest. Applied in
    /// <see cref="Apply"/>, so a replay forgets exactly what the entry that wrote forgot, and memory and snapshots stay
    /// bounded however fast keyed adjustments come. A thousand deliveries to one SKU in one zone is far beyond any
    /// client's retry window; <see cref="StockGrain.KeyRetention"/> bounds the time.
    /// </summary>
    public const int MaxKeyedAdjustments = 1_000;

    /// <summary>
    /// Most alerts an entry keeps waiting for the store's acknowledgement; a newer one makes it forget the oldest. Each
    /// needs an admin's restock after the one before, so this many only pile up while the store has been unable to
    /// store alerts for a long time, and the newest tell it what it needs to know.
    /// </summary>
    public const int MaxOutstandingAlerts = 20;

    public int OnHand { get; private set; }

    public int SafetyStock { get; private set; }

    public bool IsStocked { get; private set; }

    public int Reserved { get; private set; }

    public long LedgerSequence { get; private set; }

    public int? ReorderPoint { get; private set; }

    /// <summary>True while a stocked entry's available units are at or below its reorder point.</summary>
    public bool IsLow => IsStocked && ReorderPoint is { } point && Available <= point;

    /// <summary>
    /// True once the entry has raised a low-stock alert, until an admin's change — an adjustment (set or delta) or a new
    /// reorder point — leaves it not low: only then can it raise another. Holds released or expired never re-arm it.
    /// Once per crossing let anyone who can reserve (an anonymous cart) raise an alert, and a webhook call, with every
    /// hold and release around the point, pushing the store's real alerts out of its list; a cooldown would still let
    /// them through once per period per entry. "Until restocked" is what a buyer acts on, and it is decided in
    /// <see cref="Apply"/> from the changes themselves, so a replay rebuilds it exactly (and snapshots carry it): it
    /// survives reactivation without a write of its own, and costs the hot path one comparison.
    /// </summary>
    public bool LowAlerted { get; private set; }

    /// <summary>
    /// Alerts raised (by durable changes, once their batch is) that the store has not acknowledged storing, oldest
    /// first: raised again when the entry activates, so an alert is lost neither to a silo that dies before the store
    /// has it nor to a store that could not store it. Empty nearly always.
    /// </summary>
    public IReadOnlyList<OutstandingAlert> OutstandingAlerts => _outstandingAlerts;

    public int HeldCount => _held.Count;

    /// <summary>Reservations whose outcome is remembered (for idempotent retries): part of every snapshot.</summary>
    public int SettledCount => _settled.Count;

    /// <summary>Idempotency keys remembered (for retry-safe adjustments): part of every snapshot.</summary>
    public int KeyedCount => _keyed.Count;

    /// <summary>
    /// The earliest deadline of a reservation still held, or null when none is. Drops the superseded deadlines of
    /// resized or extended holds from the head of the queue on the way (they would never count again).
    /// </summary>
    public DateTimeOffset? NextDeadline
    {
        get
        {
            while (_deadlines.TryPeek(out var id, out var deadline))
            {
                if (_held.TryGetValue(id, out var held) && held.ExpiresAt == deadline)
                {
                    return deadline;
                }

                _deadlines.Dequeue();
            }

            return null;
        }
    }

    public int Available => Math.Max(0, OnHand - Reserved - SafetyStock);

    public bool TryGetHeld(string reservationId, out HeldReservation held) => _held.TryGetValue(reservationId, out held);

    public bool TryGetSettled(string reservationId, out SettledReservation settled) => _settled.TryGetValue(reservationId, out settled!);

    public bool TryGetKeyed(string key, out KeyedAdjustment keyed) => _keyed.TryGetValue(key, out keyed!);

    /// <summary>
    /// Applies one change; returns the ledger line it makes, if any. The change raises a low-stock alert when it turns
    /// <see cref="LowAlerted"/> on; a replayed one marked <see cref="StockChange.RaisesAlert"/> leaves that alert
    /// outstanding, until a change carrying its <see cref="StockChange.StoredAlertAt"/> acknowledges it.
    /// </summary>
    public LedgerEntry? Apply(StockChange change)
    {
        var line = ApplyNumbers(change);
        if (IsLow)
        {
            if (!LowAlerted && change.RaisesAlert)
            {
                Await(change);
            }

            LowAlerted = true;
        }
        else if (change.Kind is StockChangeKind.Set or StockChangeKind.Reorder)
        {
            LowAlerted = false;
        }

        if (change.StoredAlertAt is { } storedAt && _outstandingAlerts.FindIndex(alert => alert.At == storedAt) is var index and >= 0)
        {
            _outstandingAlerts.RemoveAt(index);
        }

        return line;
    }

    /// <summary>
    /// Applies a change decided now. When it raises an alert (rare), the change to journal is the one marked
    /// <see cref="StockChange.RaisesAlert"/>, so a replay knows the alert is outstanding as this book does; any other
    /// change is journaled as it is, and the hot path writes nothing more.
    /// </summary>
    public (StockChange Journaled, LedgerEntry? Line, OutstandingAlert? Alert) ApplyDecided(StockChange change)
    {
        var alerted = LowAlerted;
        var line = Apply(change);
        if (alerted || !LowAlerted)
        {
            return (change, line, null);
        }

        var marked = change with { RaisesAlert = true };
        return (marked, line, Await(marked));
    }

    /// <summary>Whether <paramref name="alert"/> still waits for the store's acknowledgement.</summary>
    public bool IsOutstanding(OutstandingAlert alert) => _outstandingAlerts.Contains(alert);

    private LedgerEntry? ApplyNumbers(StockChange change)
    {
        switch (change.Kind)
        {
            case StockChangeKind.Set:
                var delta = change.OnHand - OnHand;
                OnHand = change.OnHand;
                SafetyStock = change.SafetyStock;
                IsStocked = true;
                if (change.IdempotencyKey is { } key)
                {
                    // Keyed adjustments are deltas, so the difference is exactly the delta the client asked for.
                    Remember(new KeyedAdjustment(key, delta, change.Reason ?? string.Empty, change.At));
                }

                return Ledger(change, LedgerKinds.Adjustment, delta);

            case StockChangeKind.Hold:
                var id = change.ReservationId!;
                Reserved += change.Quantity - (_held.TryGetValue(id, out var previous) ? previous.Quantity : 0);
                _held[id] = new HeldReservation(change.Quantity, change.ExpiresAt!.Value);
                _deadlines.Enqueue(id, change.ExpiresAt.Value);
                return null;

            case StockChangeKind.Settle:
                if (!_held.Remove(change.ReservationId!, out var held))
                {
                    return null;
                }

                Reserved -= held.Quantity;
                if (change.Outcome == ReservationStatus.Confirmed)
                {
                    OnHand -= held.Quantity;
                }

                _settled[change.ReservationId!] = new SettledReservation(change.Outcome, held.Quantity, change.At);
                _settledOrder.Enqueue((change.ReservationId!, change.At));
                return change.Outcome switch
                {
                    ReservationStatus.Confirmed => Ledger(change, LedgerKinds.Sale, -held.Quantity),
                    ReservationStatus.Expired => Ledger(change, LedgerKinds.ExpiryRelease, 0),
                    _ => Ledger(change, LedgerKinds.Release, 0),
                };

            case StockChangeKind.Reorder:
                ReorderPoint = change.ReorderPoint;
                return null;

            case StockChangeKind.Return:
                if (!_settled.TryGetValue(change.ReservationId!, out var sold) || sold.Status != ReservationStatus.Confirmed)
                {
                    return null;
                }

                var putBack = ReturnableUnits(sold.Quantity);
                OnHand += putBack;
                _settled[change.ReservationId!] = new SettledReservation(ReservationStatus.Returned, sold.Quantity, change.At);
                _settledOrder.Enqueue((change.ReservationId!, change.At));
                return Ledger(change, LedgerKinds.Return, putBack);

            default:
                throw new InvalidOperationException($"Unknown stock change {change.Kind}.");
        }
    }

    /// <summary>
    /// How many of <paramref name="sold"/> returned units go back on hand: all of them, unless that would pass
    /// <see cref="IdRules.MaxOnHand"/>, which no adjustment may pass either. A return is never refused (it undoes a sale
    /// whose payment was reversed, and the order closing it must close), so the units above the cap are not put back;
    /// an entry that near the cap holds more than any store sells, and on-hand stays what every admin endpoint accepts
    /// and far from int overflow. Decided here, so a replay puts back exactly what the entry that wrote put back.
    /// </summary>
    public int ReturnableUnits(int sold) => (int)Math.Min(sold, Math.Max(0L, (long)IdRules.MaxOnHand - OnHand));

    /// <summary>
    /// The ids of the reservations whose deadline is at or before <paramref name="now"/>, earliest first, taken off
    /// the deadline queue. Every stock call asks, and nearly always nothing is due: then nothing is allocated.
    /// </summary>
    public IReadOnlyList<string> DueBy(DateTimeOffset now)
    {
        List<string>? due = null;
        while (_deadlines.TryPeek(out var id, out var deadline) && deadline <= now)
        {
            _deadlines.Dequeue();
            // The queue keeps superseded deadlines of resized or extended holds; only the current one counts.
            if (_held.TryGetValue(id, out var held) && held.ExpiresAt == deadline)
            {
                (due ??= []).Add(id);
            }
        }

        return due ?? [];
    }

    /// <summary>Forgets outcomes settled before <paramref name="cutoff"/> (memory only: snapshots then omit them).</summary>
    public void ForgetSettledBefore(DateTimeOffset cutoff)
    {
        while (_settledOrder.TryPeek(out var head) && head.SettledAt < cutoff)
        {
            _settledOrder.Dequeue();
            if (_settled.TryGetValue(head.Id, out var settled) && settled.SettledAt == head.SettledAt)
            {
                _settled.Remove(head.Id);
            }
        }
    }

    /// <summary>Forgets idempotency keys applied before <paramref name="cutoff"/> (memory only: snapshots then omit them).</summary>
    public void ForgetKeysBefore(DateTimeOffset cutoff)
    {
        while (_keyedOrder.TryPeek(out var oldest) && oldest.At < cutoff)
        {
            ForgetOldestKey();
        }
    }

    public StockSnapshot ToSnapshot() =>
        new(
            OnHand,
            SafetyStock,
            IsStocked,
            LedgerSequence,
            new Dictionary<string, HeldReservation>(_held),
            new Dictionary<string, SettledReservation>(_settled),
            ReorderPoint,
            // Left out when empty, so the snapshot of an entry that never saw a key is what it was before keys existed.
            _keyedOrder.Count > 0 ? [.. _keyedOrder] : null,
            // Written only when the numbers cannot tell it (a low entry has always alerted), so the snapshot of an entry
            // that is low now, or never alerted, is what it was before the flag existed.
            LowAlerted && !IsLow ? true : null,
            // Left out when none, so the snapshot of an entry whose alerts were all stored is what it was before.
            _outstandingAlerts.Count > 0 ? [.. _outstandingAlerts] : null);

    public static StockBook From(StockSnapshot? snapshot)
    {
        var book = new StockBook();
        if (snapshot is null)
        {
            return book;
        }

        book.OnHand = snapshot.OnHand;
        book.SafetyStock = snapshot.SafetyStock;
        book.IsStocked = snapshot.IsStocked;
        book.LedgerSequence = snapshot.LedgerSequence;
        book.ReorderPoint = snapshot.ReorderPoint;
        foreach (var (id, held) in snapshot.Held)
        {
            book._held[id] = held;
            book._deadlines.Enqueue(id, held.ExpiresAt);
            book.Reserved += held.Quantity;
        }

        foreach (var (id, settled) in snapshot.Settled.OrderBy(entry => entry.Value.SettledAt))
        {
            book._settled[id] = settled;
            book._settledOrder.Enqueue((id, settled.SettledAt));
        }

        foreach (var keyed in snapshot.KeyedAdjustments ?? [])
        {
            book.Remember(keyed);
        }

        // Left out (see ToSnapshot), as in every snapshot from before the flag: a low entry has alerted, another has not.
        book.LowAlerted = snapshot.LowAlerted ?? book.IsLow;
        // Left out when none, as in every snapshot from before acknowledgements: those alerts count as handed over.
        book._outstandingAlerts.AddRange(snapshot.OutstandingAlerts ?? []);

        return book;
    }

    /// <summary>Leaves the alert <paramref name="raising"/> raises outstanding (the numbers are those after it).</summary>
    private OutstandingAlert Await(StockChange raising)
    {
        var alert = new OutstandingAlert(Available, ReorderPoint!.Value, raising.At);
        _outstandingAlerts.Add(alert);
        if (_outstandingAlerts.Count > MaxOutstandingAlerts)
        {
            _outstandingAlerts.RemoveAt(0);
        }

        return alert;
    }

    /// <summary>Remembers a keyed adjustment as the newest, forgetting the oldest beyond <see cref="MaxKeyedAdjustments"/>.</summary>
    private void Remember(KeyedAdjustment keyed)
    {
        _keyed[keyed.Key] = keyed;
        _keyedOrder.Enqueue(keyed);
        while (_keyedOrder.Count > MaxKeyedAdjustments)
        {
            ForgetOldestKey();
        }
    }

    private void ForgetOldestKey()
    {
        var oldest = _keyedOrder.Dequeue();
        // The entry never records a key it still remembers, but a replay must not drop a newer use of the same key.
        if (_keyed.TryGetValue(oldest.Key, out var current) && ReferenceEquals(current, oldest))
        {
            _keyed.Remove(oldest.Key);
        }
    }

    private LedgerEntry Ledger(StockChange change, string kind, int delta)
    {
        LedgerSequence++;
        return new LedgerEntry(LedgerSequence, change.At, kind, delta, OnHand, Fitted(change.Reason), Fitted(change.Actor)!, change.ReservationId);
    }

    /// <summary>
    /// Cut to the ledger's column width (<see cref="MaxLedgerTextLength"/>, migration 0003). A longer actor (a token's
    /// subject is the issuer's to choose) would fail the whole journal transaction, which carries the batches of every
    /// entry of the silo, and fail it again on every retry. Derived the same way on replay, so the numbers agree.
    /// </summary>
    private static string? Fitted(string? text) => text is { Length: > MaxLedgerTextLength } ? text[..MaxLedgerTextLength] : text;

    /// <summary>Width of the ledger's reason and actor columns.</summary>
    public const int MaxLedgerTextLength = 200;
}
