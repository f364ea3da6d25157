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
    private readonly int _settledLimit;
    // The latest settlement time given so far: each one gets a later time than every earlier one (see RememberSettled).
    private DateTimeOffset _newestSettledAt = DateTimeOffset.MinValue;
    private readonly Dictionary<string, KeyedAdjustment> _keyed = new(StringComparer.Ordinal);
    private readonly Queue<KeyedAdjustment> _keyedOrder = new();
    private readonly List<OutstandingAlert> _outstandingAlerts = [];
    // The number of the latest alert raised: the next one gets the number after it.
    private long _alertsRaised;

    /// <summary>
    /// Most idempotency keys an entry remembers; a newer keyed adjustment makes it forget the oldest. Applied in
    /// <see cref="Apply"/>, so a replay forgets exactly what the entry that wrote forgot, and memory and snapshots stay
    /// bounded however fast keyed adjustments come. A thousand deliveries to one SKU in one zone is far beyond any
    /// client's retry window; <see cref="StockGrain.KeyRetention"/> bounds the time.
    /// </summary>
    public const int MaxKeyedAdjustments = 1_000;

    /// <summary>
    /// Most settled reservations an entry remembers; a newer settlement makes it forget the oldest. Applied in
    /// <see cref="Apply"/>, so a replay forgets exactly what the entry that wrote forgot, and a snapshot (which carries
    /// them all, ~130 bytes each as JSON: ~6.5 MB at most) never holds more, however busy the SKU is; unbounded, a SKU
    /// churned by abandoned carts (3 holds a second) piled up 2 million in the 7 days of
    /// <see cref="StockGrain.SettledRetention"/>, a snapshot past PostgreSQL's jsonb limit. The outcome is asked again
    /// only within minutes of settling: a payment retried, or the order closing unpaid, within its payment window and
    /// grace (15.5 minutes by default) and the minute of its reminder; a cart's release or re-reservation within its
    /// 15-minute hold. Forgetting one of those this early takes 50,000 newer settlements of one SKU in one zone within
    /// about 20 minutes, over 40 a second sustained, 14 times the busy SKU above (which it covers for 4.6 hours).
    /// </summary>
    public const int MaxSettledReservations = 50_000;

    /// <summary>
    /// Most alerts an entry keeps waiting for the store's acknowledgement; a newer one makes it forget the oldest. Each
    /// needs an admin's restock after the one before, so this many only pile up while the store has been unable to
    /// store alerts for a long time, and the newest tell it what it needs to know (all are of this SKU and zone). A
    /// forgotten one is counted (<see cref="AlertsDropped"/>), logged by the entry and shown in the store's listing.
    /// </summary>
    public const int MaxOutstandingAlerts = 20;

    /// <param name="settledLimit">Most settled reservations remembered (<see cref="MaxSettledReservations"/>; smaller in tests).</param>
    public StockBook(int settledLimit = MaxSettledReservations)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(settledLimit, 1);
        _settledLimit = settledLimit;
    }

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

    /// <summary>
    /// How many alerts the entry forgot unacknowledged for <see cref="MaxOutstandingAlerts"/> newer ones. Counted in
    /// <see cref="Apply"/>, so a replay counts what the entry that wrote counted; the store may have stored some of them
    /// (an acknowledgement lost with its silo), so it is at most the alerts the store never got.
    /// </summary>
    public long AlertsDropped { get; private set; }

    public int HeldCount => _held.Count;

    /// <summary>Reservations whose outcome is remembered (for idempotent retries): part of every snapshot.</summary>
    public int SettledCount => _settled.Count;

    /// <summary>
    /// When the newest outcome forgotten for <see cref="MaxSettledReservations"/> newer ones had settled; null when none
    /// was. Memory only, for logs: a call about a reservation the entry does not know may be about one of those.
    /// </summary>
    public DateTimeOffset? SettledForgottenThrough { get; private set; }

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
    /// outstanding, until a change carrying its <see cref="StockChange.AlertNumber"/> acknowledges it (or, written by a
    /// build before alert numbers, its <see cref="StockChange.StoredAlertAt"/>: the first outstanding alert of that time).
    /// </summary>
    public LedgerEntry? Apply(StockChange change)
    {
        var line = ApplyNumbers(change);
        if (IsLow)
        {
            if (!LowAlerted && change.RaisesAlert)
            {
                Await(change, out _);
            }

            LowAlerted = true;
        }
        else if (change.Kind is StockChangeKind.Set or StockChangeKind.Reorder)
        {
            LowAlerted = false;
        }

        if (change.StoredAlertAt is { } storedAt
            && _outstandingAlerts.FindIndex(alert => change.AlertNumber is { } number ? alert.Number == number : alert.At == storedAt) is var index and >= 0)
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
    /// <returns>Also the alert it raises, and the oldest outstanding one forgotten to make room for it, if any.</returns>
    public (StockChange Journaled, LedgerEntry? Line, OutstandingAlert? Alert, OutstandingAlert? Dropped) ApplyDecided(StockChange change)
    {
        var alerted = LowAlerted;
        var line = Apply(change);
        if (alerted || !LowAlerted)
        {
            return (change, line, null, null);
        }

        var marked = change with { RaisesAlert = true, AlertNumber = _alertsRaised + 1 };
        var alert = Await(marked, out var dropped);
        return (marked, line, alert, dropped);
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

                RememberSettled(change.ReservationId!, change.Outcome, held.Quantity, change.At);
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
                // The change names the units sold, so a replay puts back what the entry that wrote did even if it no
                // longer remembers the sale (a build with a smaller limit). Returns journaled before they did are
                // replayed from memory, as they were decided.
                var sold = change.Quantity > 0
                    ? change.Quantity
                    : _settled.TryGetValue(change.ReservationId!, out var confirmed) && confirmed.Status == ReservationStatus.Confirmed ? confirmed.Quantity : 0;
                if (sold == 0)
                {
                    return null;
                }

                var putBack = ReturnableUnits(sold);
                OnHand += putBack;
                RememberSettled(change.ReservationId!, ReservationStatus.Returned, sold, change.At);
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
            SettledOldestFirst(),
            ReorderPoint,
            // Left out when empty, so the snapshot of an entry that never saw a key is what it was before keys existed.
            _keyedOrder.Count > 0 ? [.. _keyedOrder] : null,
            // Written only when the numbers cannot tell it (a low entry has always alerted), so the snapshot of an entry
            // that is low now, or never alerted, is what it was before the flag existed.
            LowAlerted && !IsLow ? true : null,
            // Left out when none, so the snapshot of an entry whose alerts were all stored is what it was before.
            _outstandingAlerts.Count > 0 ? [.. _outstandingAlerts] : null,
            // Left out when none, so the snapshot of an entry that never alerted is what it was before numbers existed.
            _alertsRaised > 0 ? _alertsRaised : null,
            AlertsDropped > 0 ? AlertsDropped : null);

    /// <param name="settledLimit">Most settled reservations remembered: a snapshot written with more (an older build's) keeps its newest.</param>
    public static StockBook From(StockSnapshot? snapshot, int settledLimit = MaxSettledReservations)
    {
        var book = new StockBook(settledLimit);
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

        // Written oldest first, each at a later time than the one before (see RememberSettled); older snapshots are in
        // no order and may share times, hence the (stable) sort.
        foreach (var (id, settled) in snapshot.Settled.OrderBy(entry => entry.Value.SettledAt))
        {
            book._settled[id] = settled;
            book._settledOrder.Enqueue((id, settled.SettledAt));
            book._newestSettledAt = settled.SettledAt;
        }

        book.ForgetSettledBeyondLimit();

        foreach (var keyed in snapshot.KeyedAdjustments ?? [])
        {
            book.Remember(keyed);
        }

        // Left out (see ToSnapshot), as in every snapshot from before the flag: a low entry has alerted, another has not.
        book.LowAlerted = snapshot.LowAlerted ?? book.IsLow;
        // Left out when none, as in every snapshot from before acknowledgements: those alerts count as handed over.
        // Those written before numbers get the next ones, in order: the same on every load of that snapshot, so an
        // acknowledgement journaled with such a number settles the same alert when the journal is replayed.
        var outstanding = snapshot.OutstandingAlerts ?? [];
        book._alertsRaised = Math.Max(snapshot.AlertsRaised ?? 0, outstanding.Count > 0 ? outstanding.Max(alert => alert.Number) : 0);
        foreach (var alert in outstanding)
        {
            book._outstandingAlerts.Add(alert.Number > 0 ? alert : alert with { Number = ++book._alertsRaised });
        }

        book.AlertsDropped = snapshot.AlertsDropped ?? 0;

        return book;
    }

    /// <summary>
    /// Remembers how a reservation ended as the newest outcome, forgetting the oldest beyond the limit. Its time is the
    /// change's, or a tick after the newest outcome's when that is not earlier (several expiries of one moment, a clock
    /// set back): so the order outcomes are forgotten in is their order in time, which a snapshot keeps and a reload
    /// rebuilds by sorting, and the entry that wrote and its replay forget the very same ones.
    /// </summary>
    private void RememberSettled(string id, ReservationStatus outcome, int quantity, DateTimeOffset at)
    {
        var settledAt = at > _newestSettledAt ? at : _newestSettledAt.AddTicks(1);
        _newestSettledAt = settledAt;
        _settled[id] = new SettledReservation(outcome, quantity, settledAt);
        _settledOrder.Enqueue((id, settledAt));
        ForgetSettledBeyondLimit();
    }

    private void ForgetSettledBeyondLimit()
    {
        while (_settled.Count > _settledLimit)
        {
            var (id, settledAt) = _settledOrder.Dequeue();
            // A returned sale left its earlier place in the queue behind: only the place of the current outcome counts.
            if (_settled.TryGetValue(id, out var settled) && settled.SettledAt == settledAt)
            {
                _settled.Remove(id);
                SettledForgottenThrough = settledAt;
            }
        }
    }

    /// <summary>The outcomes remembered, oldest first, as a fresh dictionary (which enumerates in the order it was filled).</summary>
    private Dictionary<string, SettledReservation> SettledOldestFirst()
    {
        var settled = new Dictionary<string, SettledReservation>(_settled.Count, StringComparer.Ordinal);
        foreach (var (id, settledAt) in _settledOrder)
        {
            if (_settled.TryGetValue(id, out var current) && current.SettledAt == settledAt)
            {
                settled[id] = current;
            }
        }

        return settled;
    }

    /// <summary>
    /// Leaves the alert <paramref name="raising"/> raises outstanding (the numbers are those after it), under the number
    /// the change carries, or the next one for a change journaled before numbers. Beyond
    /// <see cref="MaxOutstandingAlerts"/> the oldest is forgotten and counted: <paramref name="dropped"/>.
    /// </summary>
    private OutstandingAlert Await(StockChange raising, out OutstandingAlert? dropped)
    {
        var number = raising.AlertNumber ?? _alertsRaised + 1;
        _alertsRaised = Math.Max(_alertsRaised, number);
        var alert = new OutstandingAlert(Available, ReorderPoint!.Value, raising.At, number);
        _outstandingAlerts.Add(alert);
        dropped = null;
        if (_outstandingAlerts.Count > MaxOutstandingAlerts)
        {
            dropped = _outstandingAlerts[0];
            _outstandingAlerts.RemoveAt(0);
            AlertsDropped++;
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
    /// entry of the silo, and fail it again on every retry. The cut never leaves half of a character written as two
    /// UTF-16 halves (an emoji): PostgreSQL's client refuses to encode such text, which fails that transaction the same
    /// way. Derived the same way on replay, so the numbers agree.
    /// </summary>
    private static string? Fitted(string? text)
    {
        if (text is not { Length: > MaxLedgerTextLength })
        {
            return text;
        }

        var length = char.IsHighSurrogate(text[MaxLedgerTextLength - 1]) ? MaxLedgerTextLength - 1 : MaxLedgerTextLength;
        return text[..length];
    }

    /// <summary>Width of the ledger's reason and actor columns.</summary>
    public const int MaxLedgerTextLength = 200;
}
