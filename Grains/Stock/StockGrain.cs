using Microsoft.Extensions.Logging;
using MultiStore.Grains.Diagnostics;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Stock.Journal;
using Orleans.Concurrency;

namespace MultiStore.Grains.Stock;

/// <summary>
/// One SKU in one zone, with group commit. Every decision is made synchronously on the in-memory book (no
/// <c>await</c> between reading and changing it), so no two decisions interleave and none can oversell. The grain
/// is reentrant only so that callers can wait together: their changes go into the next journal batch, and each
/// caller is answered once the batch that holds its change is durable — never before.
/// </summary>
[Reentrant]
public sealed class StockGrain(
    IStockJournal journal,
    TimeProvider time,
    StockEntryLimits limits,
    ILogger<StockGrain> logger) : Grain, IStockGrain, IRemindable
{
    /// <summary>
    /// How long a settled reservation's outcome is remembered: a retry of the same id within this window (and within
    /// <see cref="StockBook.MaxSettledReservations"/> newer settlements of the entry) answers its final status and never
    /// reserves again. Far longer than any hold may last.
    /// </summary>
    public static readonly TimeSpan SettledRetention = TimeSpan.FromDays(7);

    /// <summary>
    /// How long an adjustment's idempotency key is remembered: a retry within this window (and within
    /// <see cref="StockBook.MaxKeyedAdjustments"/> newer keyed adjustments of the entry) applies nothing; after it, the
    /// key counts as new. A day covers any client's retries, a failover and an admin retrying by hand the next morning,
    /// as the Idempotency-Key draft's examples suggest.
    /// </summary>
    public static readonly TimeSpan KeyRetention = TimeSpan.FromHours(24);

    /// <summary>A snapshot is written with the batch that brings this many changes since the last one.</summary>
    public const int SnapshotEvery = 1_000;

    /// <summary>Most ledger lines one page may ask for.</summary>
    public const int MaxLedgerPage = 500;

    /// <summary>
    /// The pauses between attempts to hand a low-stock alert to the store (about half a minute in all). An alert still
    /// not stored after them stays outstanding in the book: the entry raises it again when it next wakes or activates.
    /// </summary>
    private static readonly TimeSpan[] AlertRetryPauses = [.. new[] { 0.2, 0.5, 1, 2, 4, 8, 15 }.Select(TimeSpan.FromSeconds)];

    /// <summary>How many times one activation tries to hand an alert to the store.</summary>
    internal static int AlertAttempts => AlertRetryPauses.Length + 1;

    private const int MaxReasonLength = 200;

    private readonly DeadlineTimer _deadlineTimer = new();
    // The alerts being handed to the store now: an activation's raise and a batch's never send one twice at once.
    private readonly HashSet<OutstandingAlert> _raising = [];
    private StockBook _book = new();
    private string _stream = string.Empty;
    private string _sku = string.Empty;
    private string _zone = string.Empty;

    // Group commit: the entry's latest journal batch, open to more changes until the journal seals it, and kept until
    // it is durable (null then: an idle entry carries no buffers); and the durability every decision so far waits for.
    private PendingBatch? _open;
    private Task _allDecided = Task.CompletedTask;
    // Set while one call decides its reservations: its batch is handed to the journal when the last is decided.
    private bool _decidingCall;
    // The version of the latest batch.
    private long _version;
    private int _changesSinceSnapshot;
    private Exception? _broken;
    // Set once the activation is going: an alert's raise may outlive it, and its acknowledgement must not write a
    // batch that a newer activation, already loaded, would then meet as a conflict.
    private bool _deactivating;

    // The wake-up time the batches so far leave in the journal (see StockWakeUp). Unknown after activation, so the
    // first batch writes it whatever it is; after that, only batches that move the earliest deadline carry it.
    private bool _wakeUpUnknown = true;
    private DateTimeOffset? _wakeUpWritten;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _stream = this.GetPrimaryKeyString();
        (_sku, _zone) = StockEntryId.Parse(TenantKey.Parse(_stream).EntityId);
        var history = await journal.LoadAsync(_stream, cancellationToken);
        _book = StockBook.From(history.Snapshot, limits.SettledReservations);
        foreach (var change in history.ChangesAfterSnapshot)
        {
            _book.Apply(change);
        }

        _version = history.Version;
        _changesSinceSnapshot = history.ChangesAfterSnapshot.Count;
        _book.ForgetSettledBefore(Now - SettledRetention);
        _book.ForgetKeysBefore(Now - KeyRetention);
        ExpireDue();
        FollowDeadlines();
        if (_book.OutstandingAlerts.Count > 0)
        {
            // Raised by an activation that ended (or gave up) before the store acknowledged them; their changes were
            // loaded from the journal, so they are durable. Not awaited: the store may be the very thing that fails.
            _ = RaiseAlertsAsync([.. _book.OutstandingAlerts]);
        }
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivating = true;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task<StockLevel> GetAsync()
    {
        ExpireDue();
        var level = Level();
        await DurableAsync();
        return level;
    }

    /// <inheritdoc />
    public async Task<bool> IsStockedAsync()
    {
        ThrowIfBroken();
        var stocked = _book.IsStocked;
        // Stocked by a first adjustment still on its way to the journal is not stocked yet.
        await DurableAsync();
        if (!stocked)
        {
            // A shopper may name any SKU and zone; an entry never stocked holds nothing, so it goes once answered
            // rather than staying active for Orleans' 15 minutes for every made-up name.
            DeactivateOnIdle();
        }

        return stocked;
    }

    /// <inheritdoc />
    public async Task<StockLevel> AdjustAsync(StockAdjustment adjustment)
    {
        ExpireDue();
        EnsureWellFormed(adjustment);
        if (adjustment.IdempotencyKey is { } key && Recall(key) is { } earlier)
        {
            // Decided before the await like everything else. Either answer reports the earlier adjustment, so it waits
            // until that is durable: if it never is, this caller fails too and its retry finds the key unused.
            var current = Level();
            await DurableAsync();
            EnsureSameRequest(earlier, adjustment);
            logger.LogInformation("Stock {Stream} adjustment with key {Key} repeated by {Actor}: nothing applied", _stream, key, TenantContext.Actor);
            return current;
        }

        if (adjustment.OnlyIfNeverStocked && _book.IsStocked)
        {
            // Stocked already (an admin's count, or another first count a moment ago): setting it again would give
            // back whatever sold since. Answered once what it saw is durable.
            return await AnswerDurablyAsync(Level());
        }

        var (onHand, safetyStock) = Target(OnCurrentStock(adjustment));
        if (onHand < _book.Reserved)
        {
            throw StockCountRules.BelowReserved(onHand, _book.Reserved, _sku, _zone);
        }

        if (_book.IsStocked && onHand == _book.OnHand && safetyStock == _book.SafetyStock && adjustment.IdempotencyKey is null)
        {
            // Nothing would change: a re-imported export would otherwise write a zero line into every entry's ledger.
            // Nor is it an admin's restock that re-arms a low-stock alert (StockBook.LowAlerted): no number moved.
            return await AnswerDurablyAsync(Level());
        }

        // The key travels in the change itself: the batch that makes the adjustment durable remembers the key.
        Record(new StockChange(
            StockChangeKind.Set, Now, TenantContext.Actor, OnHand: onHand, SafetyStock: safetyStock, Reason: adjustment.Reason, IdempotencyKey: adjustment.IdempotencyKey));
        var level = Level();
        await DurableAsync();
        logger.LogInformation(
            "Stock {Stream} set to on-hand {OnHand}, safety {Safety} by {Actor}: {Reason}",
            _stream, onHand, safetyStock, TenantContext.Actor, adjustment.Reason);
        return level;
    }

    /// <inheritdoc />
    public async Task<ReservationResult> ReserveAsync(string reservationId, int quantity, TimeSpan ttl)
    {
        // The hot path of a flash sale: the same decision as a call of one, without its arrays and async layers
        // (each layer resumed on the activation costs a task, a continuation and a context on every reservation).
        var request = new ReservationRequest(reservationId, quantity, ttl);
        request.EnsureValid();
        ReservationResult answer;
        bool recorded;
        try
        {
            BeginDecidingCall();
            (answer, recorded) = Decide(request);
        }
        finally
        {
            EndDecidingCall();
        }

        if (MustBeDurable(answer))
        {
            await DurableAsync();
        }

        if (recorded)
        {
            MultiStoreMetrics.Stock.Reservations.Add(1);
        }

        return answer;
    }

    /// <inheritdoc />
    public async Task<ReservationResult[]> ReserveManyAsync(ReservationRequest[] requests)
    {
        if (requests is not { Length: > 0 and <= ReservationRequest.MaxPerCall })
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"A call carries 1 to {ReservationRequest.MaxPerCall} reservations.");
        }

        foreach (var request in requests)
        {
            request.EnsureValid();
        }

        var answers = new ReservationResult[requests.Length];
        var recorded = 0;
        try
        {
            BeginDecidingCall();
            for (var i = 0; i < requests.Length; i++)
            {
                (answers[i], var held) = Decide(requests[i]);
                recorded += held ? 1 : 0;
            }
        }
        finally
        {
            EndDecidingCall();
        }

        if (answers.Any(MustBeDurable))
        {
            await DurableAsync();
        }

        if (recorded > 0)
        {
            MultiStoreMetrics.Stock.Reservations.Add(recorded);
        }

        return answers;
    }

    /// <inheritdoc />
    public async Task<ReservationResult> ExtendAsync(string reservationId, TimeSpan ttl)
    {
        ReservationRequest.EnsureId(reservationId);
        ReservationRequest.EnsureTtl(ttl);
        ExpireDue();
        if (!_book.TryGetHeld(reservationId, out var held))
        {
            return await AnswerDurablyAsync(NotHeld(reservationId));
        }

        Record(new StockChange(StockChangeKind.Hold, Now, TenantContext.Actor, reservationId, held.Quantity, Now + ttl));
        _book.TryGetHeld(reservationId, out var extended);
        return await AnswerDurablyAsync(Held(reservationId, extended));
    }

    /// <inheritdoc />
    public Task<ReservationResult> ConfirmAsync(string reservationId) => SettleAsync(reservationId, ReservationStatus.Confirmed);

    /// <inheritdoc />
    public Task<ReservationResult> ReleaseAsync(string reservationId) => SettleAsync(reservationId, ReservationStatus.Released);

    /// <inheritdoc />
    public async Task<ReservationResult> ReturnAsync(string reservationId)
    {
        ReservationRequest.EnsureId(reservationId);
        ExpireDue();
        if (_book.TryGetHeld(reservationId, out var held))
        {
            return await AnswerDurablyAsync(Held(reservationId, held));
        }

        if (_book.TryGetSettled(reservationId, out var settled) && settled.Status == ReservationStatus.Confirmed)
        {
            // Never refused, and never past the most on-hand an entry may hold (see StockBook.ReturnableUnits): the units
            // that would pass it are written off, and the ledger line says so. The change names the units sold, so its
            // replay never depends on the sale still being remembered.
            var writtenOff = settled.Quantity - _book.ReturnableUnits(settled.Quantity);
            var reason = writtenOff == 0 ? "payment reversed" : $"payment reversed; {writtenOff} units above the maximum on-hand of {IdRules.MaxOnHand} written off";
            Record(new StockChange(StockChangeKind.Return, Now, TenantContext.Actor, reservationId, settled.Quantity, Reason: reason));
            if (writtenOff > 0)
            {
                logger.LogWarning("Stock {Stream} return of {Reservation} wrote off {Units} units above the maximum on-hand", _stream, reservationId, writtenOff);
            }
        }
        else if (!_book.TryGetSettled(reservationId, out _))
        {
            // Only a sale the entry remembers is taken back: units put back for a sale it cannot see could be put back
            // twice (the sale returned already, then forgotten) or never have left (it never sold). The order asking
            // saw the sale a moment ago, so this is rare enough to need a person: a count puts right units left out.
            logger.LogWarning(
                "Stock {Stream} was asked to return {Reservation}, which it does not remember (outcomes forgotten for newer ones through {ForgottenThrough}): nothing put back; count the stock if it was sold",
                _stream, reservationId, _book.SettledForgottenThrough);
        }

        return await AnswerDurablyAsync(NotHeld(reservationId));
    }

    /// <inheritdoc />
    public async Task<LedgerPage> GetLedgerAsync(long? before, int take)
    {
        if (take is < 1 or > MaxLedgerPage || before is < 1)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"A ledger page has 1 to {MaxLedgerPage} lines, before a sequence of at least 1.");
        }

        await DurableAsync();
        var lines = await journal.ReadLedgerAsync(_stream, before, take);
        var next = lines.Count == take && lines[^1].Sequence > 1 ? lines[^1].Sequence : (long?)null;
        return new LedgerPage(lines, next);
    }

    /// <inheritdoc />
    public async Task<StockLevel> SetReorderPointAsync(int? reorderPoint)
    {
        if (reorderPoint is < 0 or > IdRules.MaxOnHand)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"A reorder point is between 0 and {IdRules.MaxOnHand}, or null for none.");
        }

        ExpireDue();
        if (reorderPoint != _book.ReorderPoint)
        {
            Record(new StockChange(StockChangeKind.Reorder, Now, TenantContext.Actor, ReorderPoint: reorderPoint));
        }

        var level = Level();
        await DurableAsync();
        return level;
    }

    /// <inheritdoc />
    public async Task WakeAsync()
    {
        ExpireDue();
        _book.ForgetSettledBefore(Now - SettledRetention);
        _book.ForgetKeysBefore(Now - KeyRetention);
        if (_wakeUpUnknown && _open is null)
        {
            // Nothing to expire, but the journal may still name a stale wake-up time (its last batch was the one
            // that failed): an empty batch sets it right, so the sweeper does not come back for nothing.
            Append(change: null, line: null, alert: null);
            StartWriting();
        }

        // An entry that stays active (a hot one may for hours) tries again, with each wake, the alerts it gave up on
        // when the store could not take them; those in hand already are skipped. Taken now: all are durable once the
        // wait below is over.
        List<OutstandingAlert>? outstanding = _book.OutstandingAlerts.Count > 0 ? [.. _book.OutstandingAlerts] : null;
        await DurableAsync();
        FollowDeadlines();
        if (outstanding is not null)
        {
            _ = RaiseAlertsAsync(outstanding);
        }
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        // Entries once registered a reminder each; the journal's wake-up time replaced them. One that still ticks
        // does what a wake does and is removed.
        await WakeAsync();
        if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    /// <summary>
    /// Decides one reservation on the book, synchronously. The answer may be given only once everything decided so
    /// far is durable, unless it is "not enough stock" for a reservation holding nothing (answered from memory: it
    /// acknowledges nothing; see <see cref="MustBeDurable"/>). Recorded is true when a new hold was recorded.
    /// </summary>
    private (ReservationResult Answer, bool Recorded) Decide(ReservationRequest request)
    {
        var (reservationId, quantity, ttl) = request;
        if (_book.TryGetSettled(reservationId, out var settled))
        {
            return (Settled(reservationId, settled), false);
        }

        var heldQuantity = _book.TryGetHeld(reservationId, out var held) ? held.Quantity : 0;
        if (heldQuantity == quantity)
        {
            // A retry of the same request: the same answer, once the original is durable; nothing more is reserved.
            return (Held(reservationId, held), false);
        }

        if (quantity - heldQuantity > _book.Available)
        {
            // Sold out (or not enough): no write.
            MultiStoreMetrics.Stock.SoldOut.Add(1);
            return (new ReservationResult(reservationId, ReservationStatus.InsufficientStock, heldQuantity, heldQuantity > 0 ? held.ExpiresAt : null, _book.Available), false);
        }

        Record(new StockChange(StockChangeKind.Hold, Now, TenantContext.Actor, reservationId, quantity, Now + ttl));
        _book.TryGetHeld(reservationId, out var reserved);
        return (Held(reservationId, reserved), true);
    }

    private async Task<ReservationResult> SettleAsync(string reservationId, ReservationStatus outcome)
    {
        ReservationRequest.EnsureId(reservationId);
        ExpireDue();
        if (_book.TryGetHeld(reservationId, out _))
        {
            Record(new StockChange(StockChangeKind.Settle, Now, TenantContext.Actor, reservationId, Outcome: outcome));
        }
        else if (outcome == ReservationStatus.Confirmed && !_book.TryGetSettled(reservationId, out _))
        {
            // Answered "unknown", so nothing is sold twice: the order paying for it closes unpaid. It held the units a
            // moment ago, so the hold ended and its outcome was forgotten, which the limits make rare.
            logger.LogWarning(
                "Stock {Stream} was asked to confirm {Reservation}, which it neither holds nor remembers (outcomes forgotten for newer ones through {ForgottenThrough}): nothing sold",
                _stream, reservationId, _book.SettledForgottenThrough);
        }

        return await AnswerDurablyAsync(NotHeld(reservationId));
    }

    /// <summary>Keeps the deadline timer set for the earliest hold still held.</summary>
    private void FollowDeadlines() => _deadlineTimer.Follow(this, _book.NextDeadline, Now, WakeAsync);

    /// <summary>Records an expiry for every hold whose time is up (a cheap peek when none is).</summary>
    private void ExpireDue()
    {
        var now = Now;
        foreach (var id in _book.DueBy(now))
        {
            Record(new StockChange(StockChangeKind.Settle, now, "system:expiry", id, Outcome: ReservationStatus.Expired));
            MultiStoreMetrics.Stock.Expiries.Add(1);
        }
    }

    /// <summary>Applies a decided change at once and adds it to the entry's open journal batch.</summary>
    private void Record(StockChange change)
    {
        ThrowIfBroken();
        // One alert until restocked, not one per crossing (see StockBook.LowAlerted); the change that raises one is
        // journaled marked, so the alert stays outstanding until the store acknowledges it.
        var (journaled, line, alert, dropped) = _book.ApplyDecided(change);
        if (dropped is not null)
        {
            // Logged here, once, not in the book: a replay forgets the same alert again and must not log it again.
            logger.LogWarning(
                "Store {Tenant} dropped low-stock alert {Number} of {Sku}@{Zone} (raised at {At}, available {Available}) unacknowledged: " +
                "its entry keeps the newest {Kept} waiting for the store; {Dropped} dropped so far",
                TenantKey.Parse(_stream).Tenant, dropped.Number, _sku, _zone, dropped.At, dropped.Available, StockBook.MaxOutstandingAlerts, _book.AlertsDropped);
        }

        Append(journaled, line, alert);
        if (change is { Kind: StockChangeKind.Hold, ExpiresAt: { } deadline })
        {
            _deadlineTimer.Follow(this, deadline, change.At, WakeAsync);
        }

        StartWriting();
    }

    /// <summary>
    /// Adds a change (or, with none, just the wake-up time) to the open batch, or to a new one when the journal has
    /// sealed it. The wake-up time goes along when the change moved it; a snapshot, when enough changes have passed.
    /// </summary>
    private void Append(StockChange? change, LedgerEntry? line, OutstandingAlert? alert)
    {
        ThrowIfBroken();
        var next = _book.NextDeadline;
        StockWakeUp? wakeUp = _wakeUpUnknown || next != _wakeUpWritten ? new StockWakeUp(next) : null;
        // Counted as written now: if its batch fails, the activation is broken and the next one starts unknown.
        _wakeUpUnknown = false;
        _wakeUpWritten = next;

        StockSnapshot? snapshot = null;
        // A snapshot costs in proportion to what the entry holds (10,000 open reservations are 10,000 records), so
        // it is taken only after at least as many changes again: each change pays for a bounded share of one.
        if (change is not null && ++_changesSinceSnapshot >= Math.Max(SnapshotEvery, 2 * (_book.HeldCount + _book.SettledCount + _book.KeyedCount)))
        {
            // The book holds exactly the changes so far: the snapshot closes the batch this change goes into.
            snapshot = _book.ToSnapshot();
            _changesSinceSnapshot = 0;
        }

        if (_open is not { } open || !open.Batch.TryAdd(change, line, wakeUp, snapshot))
        {
            if (_open is { HandedOver: false } closed)
            {
                // Closed by its snapshot during a call that is still deciding: the journal needs it before the next.
                HandOver(closed);
            }

            open = _open = new PendingBatch(new OpenStockBatch(_stream, ++_version, predecessor: _open?.Batch));
            open.Batch.TryAdd(change, line, wakeUp, snapshot);
        }

        if (alert is not null)
        {
            (open.Alerts ??= []).Add(alert);
        }

        _allDecided = open.Answered.Task;
    }

    /// <summary>
    /// Hands the open batch to the journal unless it has it already (or a call is still deciding: its decisions go
    /// together). From then on the journal takes it when it next writes, with whatever joined it meanwhile: a hot
    /// entry's batch is always waiting in the journal's queue, never for the entry's turn after the last write.
    /// </summary>
    private void StartWriting()
    {
        if (_broken is null && !_decidingCall && _open is { HandedOver: false } open)
        {
            HandOver(open);
        }
    }

    private void HandOver(PendingBatch pending)
    {
        pending.HandedOver = true;
        try
        {
            journal.Write(pending.Batch);
        }
        catch (Exception exception)
        {
            // The journal would not take it (its silo is shutting down): it fails as a batch that was written and
            // failed does, so that nobody waits on it for ever and the book ahead of the journal is given up.
            Fail(pending, exception);
            return;
        }

        _ = AnswerWhenDurableAsync(pending);
    }

    /// <summary>Once a batch is durable, lets its callers' answers go and raises its alerts; breaks if it never will be.</summary>
    private async Task AnswerWhenDurableAsync(PendingBatch pending)
    {
        try
        {
            await pending.Batch.Durable;
        }
        catch (Exception exception)
        {
            Fail(pending, exception);
            return;
        }

        pending.Answered.TrySetResult();
        if (ReferenceEquals(_open, pending))
        {
            // Everything decided is durable (a durable batch is sealed: nothing joins it any more). The batch is let
            // go: a long-lived entry that kept pointing at it would give every ephemeral collection one more
            // old-to-young pointer to follow.
            _open = null;
            _allDecided = Task.CompletedTask;
        }

        if (pending.Alerts is { } alerts)
        {
            // Not awaited: nobody's answer waits on the store's alert list.
            _ = RaiseAlertsAsync(alerts);
        }
    }

    /// <summary>
    /// Tells the store about low stock once the change behind it is durable, retrying with a growing pause when the
    /// store cannot take an alert (its state write failed, its silo left), then journals the store's acknowledgement:
    /// until that is durable the alert is outstanding, and a later wake or activation raises it again. Raising is idempotent,
    /// so a retry of an alert that did land adds nothing. This activation stops trying once
    /// <see cref="AlertRetryPauses"/> are spent, and that is logged as an error.
    /// </summary>
    private async Task RaiseAlertsAsync(IReadOnlyList<OutstandingAlert> alerts)
    {
        var tenant = TenantKey.Parse(_stream).Tenant;
        using var scope = TenantContext.ForTenant(tenant, "system:stock");
        var store = GrainFactory.GetGrainByKey<IStockAlertsGrain>(TenantKey.For(tenant, IStockAlertsGrain.EntityId));
        foreach (var alert in alerts)
        {
            if (!_raising.Add(alert))
            {
                continue;
            }

            try
            {
                if (await TryRaiseAsync(store, alert.ToAlert(_sku, _zone, _book.AlertsDropped)))
                {
                    Acknowledge(alert);
                }
            }
            finally
            {
                _raising.Remove(alert);
            }
        }
    }

    private async Task<bool> TryRaiseAsync(IStockAlertsGrain store, LowStockAlert alert)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await store.RaiseAsync(alert);
                return true;
            }
            catch (Exception exception) when (attempt < AlertRetryPauses.Length)
            {
                logger.LogWarning(exception, "Stock {Stream} could not raise its low-stock alert (attempt {Attempt}); retrying", _stream, attempt + 1);
                await Task.Delay(AlertRetryPauses[attempt], time);
            }
            catch (Exception exception)
            {
                logger.LogError(
                    exception,
                    "Stock {Stream} gave up raising its low-stock alert at {At} after {Attempts} attempts; it stays outstanding and is raised again when the entry next wakes or activates",
                    _stream, alert.At, attempt + 1);
                return false;
            }
        }
    }

    /// <summary>
    /// Journals that the store has <paramref name="alert"/>: one small change per alert, never per reservation. It
    /// joins the open batch when there is one; nobody waits for it. Should it never be durable (or the activation be
    /// going already), the next activation raises the alert again, which the store ignores.
    /// </summary>
    private void Acknowledge(OutstandingAlert alert)
    {
        if (_broken is null && !_deactivating && _book.IsOutstanding(alert))
        {
            Record(StockChange.AlertStored(alert, Now));
        }
    }

    /// <summary>A batch that will never be durable: the activation breaks, and nobody waiting on the batch is acknowledged.</summary>
    private void Fail(PendingBatch pending, Exception exception)
    {
        Break(exception, pending.Batch);
        pending.Answered.TrySetException(_broken!);
    }

    /// <summary>
    /// A batch failed: the book is ahead of the journal and every later decision built on it. Nobody waiting is
    /// acknowledged, this activation refuses further calls, and the next call starts fresh from the journal.
    /// </summary>
    private void Break(Exception exception, OpenStockBatch failed)
    {
        if (_broken is not null)
        {
            // A later batch failing after its predecessor did: already broken.
            return;
        }

        // The cause is logged here, not sent: storage exceptions need not be serializable across the cluster.
        _broken = exception is StockJournalConflictException
            ? new NotDurableException($"Stock {_stream} was written by another activation; retry.")
            : new NotDurableException($"Stock {_stream} could not be written; retry.");
        logger.LogWarning(exception, "Stock {Stream} failed to write batch {Version}; deactivating", _stream, failed.Version);
        // A later batch the journal has fails there too (its predecessor failed); one it does not have fails here.
        if (_open is { HandedOver: false } unsent)
        {
            unsent.Batch.Fail(_broken);
            unsent.Answered.TrySetException(_broken);
        }

        DeactivateOnIdle();
    }

    private void ThrowIfBroken()
    {
        if (_broken is not null)
        {
            throw _broken;
        }
    }

    /// <summary>
    /// Whether an answer waits for the journal. Only "not enough stock" for a reservation that holds nothing yet is
    /// given from memory (a sold-out crowd is answered at once): one that reports units already held reports a hold
    /// that may still be on its way to the journal, and a cart records what it reports.
    /// </summary>
    private static bool MustBeDurable(ReservationResult answer) =>
        answer.Status != ReservationStatus.InsufficientStock || answer.Quantity > 0;

    /// <summary>
    /// Waits until every change decided so far (including the caller's) is durable. Not an async method on purpose:
    /// the caller awaits the batch's own task, one async layer less on every call.
    /// </summary>
    private Task DurableAsync() => _broken is null ? _allDecided : Task.FromException(_broken);

    /// <summary>
    /// A call starts deciding: a batch it opens, the expiries now due included, goes to the journal only at
    /// <see cref="EndDecidingCall"/> (called in a <c>finally</c>, so the flag never outlives a call that threw), so the
    /// embedded journal, which writes what it is handed at once, still writes a call's decisions together. A batch the
    /// journal has already taken may be sealed mid-call; the call's later decisions then go into the next one.
    /// </summary>
    private void BeginDecidingCall()
    {
        _decidingCall = true;
        ExpireDue();
    }

    /// <summary>A call's decisions are all made: the batch holding them goes to the journal unless it is there.</summary>
    private void EndDecidingCall()
    {
        _decidingCall = false;
        StartWriting();
    }

    private async Task<T> AnswerDurablyAsync<T>(T result)
    {
        await DurableAsync();
        return result;
    }

    /// <summary>The adjustment already applied under <paramref name="key"/> within <see cref="KeyRetention"/>, if any.</summary>
    private KeyedAdjustment? Recall(string key)
    {
        _book.ForgetKeysBefore(Now - KeyRetention);
        return _book.TryGetKeyed(key, out var earlier) ? earlier : null;
    }

    /// <summary>
    /// Refuses a key already applied to another delta or reason: answering it as a repeat would tell the client that a
    /// change it never made was applied, and applying it would make one key mean two changes.
    /// </summary>
    private void EnsureSameRequest(KeyedAdjustment earlier, StockAdjustment adjustment)
    {
        if (!earlier.IsSameRequest(adjustment))
        {
            throw new StoreRuleException(
                RuleCodes.IdempotencyKeyReused,
                $"This idempotency key was used at {earlier.At:u} for a delta of {earlier.Delta} ('{earlier.Reason}') on {_sku} in {_zone}; use a new key for a different adjustment.");
        }
    }

    /// <summary>The checks that do not depend on the entry's numbers (a repeat is held to them too).</summary>
    private static void EnsureWellFormed(StockAdjustment adjustment)
    {
        if (string.IsNullOrWhiteSpace(adjustment.Reason) || adjustment.Reason.Length > MaxReasonLength)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"An adjustment needs a reason of 1 to {MaxReasonLength} characters.");
        }

        if (!PlainText.IsPlain(adjustment.Reason))
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, "An adjustment's reason has no control characters, text-direction overrides or line separators.");
        }

        if (adjustment.Delta.HasValue == adjustment.SetOnHand.HasValue)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, "An adjustment names either a delta or a new on-hand, not both or neither.");
        }

        if (adjustment.OnlyIfNeverStocked && adjustment.SetOnHand is null)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, "Only a new on-hand can be set where an entry was never stocked, not a delta.");
        }

        if (adjustment.OnHandBasis is { } basis && (adjustment.SetOnHand is null || adjustment.OnlyIfNeverStocked || basis is < 0 or > IdRules.MaxOnHand))
        {
            throw new StoreRuleException(
                RuleCodes.InvalidQuantity, $"An on-hand basis goes with a new on-hand only (not a delta or a first count), between 0 and {IdRules.MaxOnHand}.");
        }

        if (adjustment.SafetyStockBasis is { } safetyBasis
            && (adjustment.SetOnHand is null || adjustment.SafetyStock is null || adjustment.OnlyIfNeverStocked || safetyBasis is < 0 or > IdRules.MaxOnHand))
        {
            throw new StoreRuleException(
                RuleCodes.InvalidQuantity,
                $"A safety stock basis goes with a new on-hand and safety stock only (not a delta or a first count), between 0 and {IdRules.MaxOnHand}.");
        }

        if (adjustment.Delta is 0)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, "A delta of 0 changes nothing.");
        }

        if (adjustment.IdempotencyKey is { } key)
        {
            if (!StockAdjustment.IsValidKey(key))
            {
                throw new StoreRuleException(RuleCodes.InvalidId, $"An idempotency key has 1 to {StockAdjustment.MaxKeyLength} printable ASCII characters.");
            }

            if (adjustment.Delta is null || adjustment.SafetyStock is not null)
            {
                // What a key remembers is a delta and a reason; anything else could not be compared with a retry.
                throw new StoreRuleException(RuleCodes.InvalidQuantity, "An idempotency key goes with a delta adjustment only, without safety stock.");
            }
        }
    }

    /// <summary>
    /// A count with an <see cref="StockAdjustment.OnHandBasis"/>, held to the entry's on-hand as it is now: as it came when
    /// the on-hand is still its basis (or is the count already: the same count sent again); with the current on-hand
    /// kept when units moved but the count is its basis unedited; refused when units moved and the count differs.
    /// A safety stock with a <see cref="StockAdjustment.SafetyStockBasis"/> is held to the entry's safety stock the same
    /// way. Both are checked before either applies, so refusing one changes neither.
    /// </summary>
    private StockAdjustment OnCurrentStock(StockAdjustment adjustment) => adjustment with
    {
        SetOnHand = StockCountRules.OnCurrent(adjustment.SetOnHand, adjustment.OnHandBasis, _book.OnHand, "on hand", _sku, _zone),
        SafetyStock = StockCountRules.OnCurrent(adjustment.SafetyStock, adjustment.SafetyStockBasis, _book.SafetyStock, "safety stock", _sku, _zone),
    };

    /// <summary>The on-hand and safety stock the adjustment leads to, within their limits.</summary>
    private (int OnHand, int SafetyStock) Target(StockAdjustment adjustment)
    {
        var onHand = adjustment.SetOnHand ?? (long)_book.OnHand + adjustment.Delta!.Value;
        if (onHand > IdRules.MaxOnHand || adjustment.SetOnHand is < 0)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"On-hand must stay between 0 and {IdRules.MaxOnHand}.");
        }

        var safetyStock = adjustment.SafetyStock ?? _book.SafetyStock;
        if (safetyStock is < 0 or > IdRules.MaxOnHand)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"Safety stock must be between 0 and {IdRules.MaxOnHand}.");
        }

        if (onHand < 0)
        {
            // Only a delta gets here (a negative count is refused above). Below 0 is below reserved too, hence the code,
            // but the admin is told the on-hand it would leave: the reserved units are not what went wrong.
            throw new StoreRuleException(
                RuleCodes.OnHandBelowReserved,
                $"A delta of {adjustment.Delta} would leave on-hand of {_sku} in {_zone} at {onHand}: there are {_book.OnHand} on hand, {_book.Reserved} of them reserved.");
        }

        return ((int)onHand, safetyStock);
    }

    private DateTimeOffset Now => time.GetUtcNow();

    private StockLevel Level() => new(_sku, _zone, _book.OnHand, _book.Reserved, _book.SafetyStock, _book.IsStocked, _book.ReorderPoint);

    private ReservationResult Held(string id, HeldReservation held) =>
        new(id, ReservationStatus.Reserved, held.Quantity, held.ExpiresAt, _book.Available);

    private ReservationResult Settled(string id, SettledReservation settled) =>
        new(id, settled.Status, settled.Quantity, null, _book.Available);

    private ReservationResult NotHeld(string id) =>
        _book.TryGetSettled(id, out var settled)
            ? Settled(id, settled)
            : new ReservationResult(id, ReservationStatus.Unknown, 0, null, _book.Available);

    /// <summary>The entry's latest journal batch, with what the entry itself keeps about it.</summary>
    private sealed class PendingBatch(OpenStockBatch batch)
    {
        public OpenStockBatch Batch { get; } = batch;

        /// <summary>The journal has it (it takes it when it next writes).</summary>
        public bool HandedOver { get; set; }

        /// <summary>Low-stock alerts raised by its changes, once it is durable; null until one is (most raise none).</summary>
        public List<OutstandingAlert>? Alerts { get; set; }

        /// <summary>
        /// Completes when the batch is durable, or fails with the activation's own error (storage exceptions are not
        /// sent to callers): what the callers of its changes wait on.
        /// </summary>
        public TaskCompletionSource Answered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
