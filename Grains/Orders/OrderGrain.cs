using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Analytics;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Orders;

/// <summary>
/// An order's lifecycle. Stock calls come first and are idempotent, the order's own state is written after
/// them: a crash in between is repaired by the retry (or the expiry sweep) doing the same calls again. Once a
/// change is durable the order reports itself to the store's <see cref="IStoreAnalyticsGrain"/>; a report that
/// fails is retried by the order's timer and reminder, and the analytics grain counts every order only once. What
/// analytics acknowledged (the placement, then the close) is stored afterwards by the same timer (see
/// <see cref="KeepAcknowledgedAsync"/>) and sent with every later report, so analytics forgets the order instead of
/// remembering every order of a sale, and a settled order does not report again in a later activation.
/// </summary>
public sealed class OrderGrain(
    [PersistentState("order", StorageNames.Shopping)] IPersistentState<OrderState> order,
    TimeProvider time,
    IOptions<ReservationOptions> options,
    ILogger<OrderGrain> logger) : Grain, IOrderGrain, IRemindable
{
    private const int MaxPaymentReferenceLength = 200;

    private readonly ExpiryWatch _expiryWatch = new("order-expiry");
    private TenantId _tenant;
    private string _orderId = string.Empty;

    /// <summary>The status the store's analytics acknowledged (null: none yet); stored by <see cref="KeepAcknowledgedAsync"/>.</summary>
    private OrderStatus? _reported;

    private OrderView? Current => order.State.Order;

    private bool IsPending => Current?.Status == OrderStatus.PendingPayment;

    private bool IsUnreported => Current is { } current && current.Status != _reported;

    /// <summary>
    /// Whether the order still needs its watch: it is open (its deadline), or closed but the acknowledged report of
    /// its close is not stored yet.
    /// </summary>
    private bool IsUnsettled => Current is { } current && current.Status != order.State.Reported;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_tenant, _orderId) = TenantKey.Parse(this.GetPrimaryKeyString());
        // What was acknowledged and stored so is not reported again. An open order whose placement was not stored as
        // acknowledged reports it again (analytics remembers it until told, so that counts nothing), and a closed one
        // whose close was not reports its close again and stores it now, rather than arming a timer and a reminder.
        _reported = order.State.StoredAcknowledgment;
        await ReportAsync();
        await KeepAcknowledgedAsync();
        await WatchExpiryAsync();
    }

    /// <inheritdoc />
    public async Task<OrderView> PlaceAsync(string cartId, IReadOnlyList<OrderLine> lines, string currency, DateTimeOffset expiresAt)
    {
        if (Current is { } existing)
        {
            return existing.CartId == cartId
                ? existing
                : throw new StoreRuleException(RuleCodes.InvalidId, $"Order '{_orderId}' belongs to another cart.");
        }

        if (order.State.Abandoned)
        {
            // Its cart reopened, and may have checked its lines out again: placing this one too would sell them twice.
            throw new StoreRuleException(RuleCodes.CartClosed, $"Order '{_orderId}' was abandoned when its cart reopened; check the cart out again.");
        }

        if (lines.Count == 0)
        {
            throw new StoreRuleException(RuleCodes.CartEmpty, "An order needs at least one line.");
        }

        if (lines.Any(line => line.UnitPrice < 0))
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, "A price cannot be negative.");
        }

        order.State.Order = new OrderView(_orderId, cartId, OrderStatus.PendingPayment, lines, Now, expiresAt, null, null, currency);
        await SaveAsync();
        return order.State.Order;
    }

    /// <inheritdoc />
    public async Task<OrderView?> GetAsync()
    {
        await ExpireIfDueAsync();
        GoUnlessPlaced();
        return Current;
    }

    /// <inheritdoc />
    public async Task<OrderView?> AbandonUnplacedAsync()
    {
        if (Current is { } placed)
        {
            return placed;
        }

        if (!order.State.Abandoned)
        {
            order.State.Abandoned = true;
            // Should a placement have been stored meanwhile, this write meets its version and fails; the activation
            // ends (DeactivateOnFailureCallFilter), and the cart's retry finds the order placed. Nothing to report or
            // watch: the order never was.
            await order.WriteStateAsync();
        }

        GoUnlessPlaced();
        return null;
    }

    /// <inheritdoc />
    public async Task<OrderView> PayAsync(string? paymentReference)
    {
        if (paymentReference is { Length: > MaxPaymentReferenceLength })
        {
            throw new StoreRuleException(RuleCodes.InvalidId, $"A payment reference has at most {MaxPaymentReferenceLength} characters.");
        }

        if (!PlainText.IsPlain(paymentReference))
        {
            throw new StoreRuleException(RuleCodes.InvalidId, "A payment reference has no control characters, text-direction overrides or line separators.");
        }

        // An empty reference names none, as an absent one does: a retry that sends one where the first call sent the
        // other is the same payment. An order paid with "" before this stores it so, hence both sides.
        paymentReference = NoneIfEmpty(paymentReference);
        var current = await RequireAsync();
        switch (current.Status)
        {
            case OrderStatus.Paid when NoneIfEmpty(current.PaymentReference) == paymentReference:
                // A retry of the payment that went through.
                return current;
            case OrderStatus.Paid:
                // Another payment for a paid order: a second charge someone must refund, not a success.
                throw new StoreRuleException(RuleCodes.OrderNotPending, "This order was already paid under another payment reference.");
            case OrderStatus.Expired:
                throw new StoreRuleException(RuleCodes.OrderExpired, "The payment window of this order has passed; its stock was released.");
            case OrderStatus.Cancelled:
                throw new StoreRuleException(RuleCodes.OrderNotPending, "This order was cancelled.");
        }

        await ClaimPaymentReferenceAsync(paymentReference);
        var outcomes = await Task.WhenAll(current.Lines.Select(line => StockOf(line).ConfirmAsync(line.ReservationId)));
        if (outcomes.Where((outcome, index) => outcome.Status != ReservationStatus.Confirmed || outcome.Quantity != current.Lines[index].Quantity).Any())
        {
            // Only reachable if a stock entry expired a reservation despite the grace period (e.g. a clock jump), or
            // held another quantity than the order's line: what is sold must be exactly what was ordered.
            await ReverseConfirmationsAsync(current, outcomes);
            await ReleasePaymentReferenceAsync();
            await CloseAsync(OrderStatus.Expired, null);
            throw new StoreRuleException(RuleCodes.OrderExpired, "Part of this order's stock was no longer held; the order expired.");
        }

        return await CloseAsync(OrderStatus.Paid, paymentReference);
    }

    /// <inheritdoc />
    public async Task<OrderView> CancelAsync()
    {
        var current = await RequireAsync();
        return current.Status switch
        {
            OrderStatus.Cancelled => current,
            OrderStatus.PendingPayment => await ReleaseAndCloseAsync(OrderStatus.Cancelled),
            // The same code a payment of it gets: the shopper learns the order expired, whichever they tried.
            OrderStatus.Expired => throw new StoreRuleException(
                RuleCodes.OrderExpired, "This order expired: its payment window passed and its stock was already released."),
            _ => throw new StoreRuleException(RuleCodes.OrderNotPending, "This order was paid; a paid order cannot be cancelled."),
        };
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        using var scope = TenantContext.ForTenant(_tenant, "system:expiry");
        await ExpireIfDueAsync();
        await ReportAsync();
        await KeepAcknowledgedAsync();
        await _expiryWatch.OnReminderAsync(this, IsUnsettled);
    }

    private async Task<OrderView> RequireAsync() =>
        await GetAsync() ?? throw new StoreRuleException(RuleCodes.NotFound, $"No order '{_orderId}'.");

    /// <summary>
    /// An order asked for under an id never placed (anyone may ask, with any id) goes once answered, rather than
    /// staying active for Orleans' 15 minutes: a stream of made-up ids must not pile activations up.
    /// </summary>
    private void GoUnlessPlaced()
    {
        if (Current is null)
        {
            DeactivateOnIdle();
        }
    }

    private async Task ExpireIfDueAsync()
    {
        if (IsPending && Now >= Current!.ExpiresAt)
        {
            await ReleaseAndCloseAsync(OrderStatus.Expired);
            logger.LogInformation("Order {Tenant}/{Order} expired unpaid; its stock was released", _tenant, _orderId);
        }
    }

    private async Task<OrderView> ReleaseAndCloseAsync(OrderStatus status)
    {
        // Fenced first: storing the order as this activation knows it fails on a stale version if another activation
        // of it (briefly possible around a silo's failure) has paid it meanwhile. Unfenced, this one would find those
        // lines sold and give their units back while the order stays paid: an oversell.
        await order.WriteStateAsync();
        var current = Current!;
        var outcomes = await Task.WhenAll(current.Lines.Select(line => StockOf(line).ReleaseAsync(line.ReservationId)));
        // A payment that failed part-way (a confirm that timed out, a crash before the order was written) may have
        // sold some lines already; an order that closes unpaid gives those units back as well.
        await ReverseConfirmationsAsync(current, outcomes);
        await ReleasePaymentReferenceAsync();
        return await CloseAsync(status, null);
    }

    /// <summary>
    /// Makes <paramref name="paymentReference"/> this order's in the store's index before any stock is sold, refusing
    /// one that pays (or is paying) another order: one capture pays one order. The reference is stored in the order
    /// first, so a close after a crash past the claim still gives it back; that write also fences this activation, as
    /// a close's does. A reference claimed before under another value (a payment retried with a new one) is kept, and
    /// stored as replaced, until the new one is won: a refused retry leaves the order holding what it held, and only a
    /// won claim gives the earlier one back, so an order ends up holding at most one.
    /// </summary>
    private async Task ClaimPaymentReferenceAsync(string? paymentReference)
    {
        if (paymentReference is null)
        {
            // Paid without one: a reference claimed by an earlier try is given back, as a retry under another one
            // gives it back, rather than staying refused to every order while none shows it.
            await ReleasePaymentReferenceAsync();
            return;
        }

        if (order.State.ClaimedPaymentReference != paymentReference)
        {
            if (order.State.ReplacedPaymentReference is not null)
            {
                // An earlier switch ended before its outcome was stored: the reference it tried is given back (a no-op
                // unless it was won), the one held before it stays.
                await ReleaseClaimAsync(order.State.ClaimedPaymentReference);
            }
            else
            {
                order.State.ReplacedPaymentReference = order.State.ClaimedPaymentReference;
            }

            order.State.ClaimedPaymentReference = paymentReference;
            await order.WriteStateAsync();
        }

        if (!await PaymentReferenceGrain(paymentReference).ClaimAsync(_orderId))
        {
            // Refused: the order holds what it held before, and stores no trace of the reference it tried.
            order.State.ClaimedPaymentReference = order.State.ReplacedPaymentReference;
            order.State.ReplacedPaymentReference = null;
            await order.WriteStateAsync();
            throw new StoreRuleException(RuleCodes.PaymentReferenceUsed, "This payment reference already pays another order; a capture pays one order only.");
        }

        // Stored as given back with the order's next write; repeating the release after a crash changes nothing. Not
        // when it is the one just won: a retry back to the held reference after a switch whose outcome was never stored
        // finds it stored as replaced, and giving it back would let another order be paid with this order's capture.
        if (order.State.ReplacedPaymentReference != paymentReference)
        {
            await ReleaseClaimAsync(order.State.ReplacedPaymentReference);
        }

        order.State.ReplacedPaymentReference = null;
    }

    /// <summary>Gives back the references this order claimed, if any, as it closes unpaid (or is paid without one).</summary>
    private async Task ReleasePaymentReferenceAsync()
    {
        await ReleaseClaimAsync(order.State.ClaimedPaymentReference);
        await ReleaseClaimAsync(order.State.ReplacedPaymentReference);
        (order.State.ClaimedPaymentReference, order.State.ReplacedPaymentReference) = (null, null);
    }

    /// <summary>Frees <paramref name="reference"/> in the index if this order holds it; another order's claim stays.</summary>
    private async Task ReleaseClaimAsync(string? reference)
    {
        if (reference is not null)
        {
            await PaymentReferenceGrain(reference).ReleaseAsync(_orderId);
        }
    }

    private async Task ReverseConfirmationsAsync(OrderView current, ReservationResult[] outcomes)
    {
        // Returned, not adjusted: a retry after a crash mid-way finds these sales already taken back and adds nothing.
        var confirmed = current.Lines.Where((_, index) => outcomes[index].Status == ReservationStatus.Confirmed);
        await Task.WhenAll(confirmed.Select(line => StockOf(line).ReturnAsync(line.ReservationId)));
    }

    private async Task<OrderView> CloseAsync(OrderStatus status, string? paymentReference)
    {
        order.State.Order = Current! with { Status = status, ClosedAt = Now, PaymentReference = paymentReference };
        await SaveAsync();
        return order.State.Order;
    }

    private async Task SaveAsync()
    {
        await order.WriteStateAsync();
        await ReportAsync();
        await WatchExpiryAsync();
    }

    /// <summary>
    /// Tells the store's analytics how the order now stands, if it was not told yet. A failure is logged and left to
    /// the expiry watch (timer while active, reminder otherwise), which keeps running while a report is due.
    /// </summary>
    private async Task ReportAsync()
    {
        if (!IsUnreported)
        {
            return;
        }

        var current = Current!;
        try
        {
            // On the order's own authority, whoever's request changed it.
            using var scope = TenantContext.ForTenant(_tenant, "system:analytics");
            // Nothing stored yet (a new order's placement): the previous release's method, which an analytics grain
            // still on an old silo during a rolling upgrade answers, and which counts exactly as the new one does.
            await (order.State.StoredAcknowledgment is { } stored ? Analytics.RecordAsync(current, stored) : Analytics.RecordAsync(current));
            _reported = current.Status;
        }
        catch (Exception failure)
        {
            logger.LogWarning(failure, "Order {Tenant}/{Order} could not report {Status} to analytics; it will retry", _tenant, _orderId, current.Status);
        }
    }

    /// <summary>
    /// Stores what analytics acknowledged (the placement, or the closing status), so no later activation reports it
    /// again, then tells analytics so, which lets it forget the order. Done by the watch (or an activation), not by the
    /// call that placed or closed the order: the shopper is answered without waiting for this write, and the watch it
    /// keeps armed a tick longer was armed anyway while the order was open (its reminder's removal moves from the
    /// closing call to the same tick); an order closed within that tick stores only its close. A failed write leaves
    /// memory as storage is and ends the activation; the reminder, still registered, brings the order back to report
    /// and store again.
    /// </summary>
    private async Task KeepAcknowledgedAsync()
    {
        if (Current is not { } current || _reported != current.Status || order.State.StoredAcknowledgment == current.Status)
        {
            return;
        }

        var (reported, placementReported) = (order.State.Reported, order.State.PlacementReported);
        if (current.Status == OrderStatus.PendingPayment)
        {
            order.State.PlacementReported = true;
        }
        else
        {
            order.State.Reported = current.Status;
        }

        try
        {
            await order.WriteStateAsync();
        }
        catch (Exception failure)
        {
            (order.State.Reported, order.State.PlacementReported) = (reported, placementReported);
            logger.LogWarning(failure, "Order {Tenant}/{Order} could not store its acknowledged {Status}; the activation is dropped", _tenant, _orderId, current.Status);
            DeactivateOnIdle();
            return;
        }

        try
        {
            using var scope = TenantContext.ForTenant(_tenant, "system:analytics");
            await Analytics.RecordAsync(current, current.Status);
        }
        catch (Exception failure)
        {
            // Only memory is lost: analytics keeps the order a little longer (its time limits), counting nothing twice.
            logger.LogInformation(failure, "Order {Tenant}/{Order} could not tell analytics it stored {Status}", _tenant, _orderId, current.Status);
        }
    }

    private static string? NoneIfEmpty(string? paymentReference) => string.IsNullOrEmpty(paymentReference) ? null : paymentReference;

    private IStoreAnalyticsGrain Analytics =>
        GrainFactory.GetGrainByKey<IStoreAnalyticsGrain>(TenantKey.For(_tenant, IStoreAnalyticsGrain.EntityId));

    private Task WatchExpiryAsync() =>
        _expiryWatch.UpdateAsync(this, IsUnsettled, options.Value, async () =>
        {
            await ExpireIfDueAsync();
            await ReportAsync();
            await KeepAcknowledgedAsync();
            await WatchExpiryAsync();
        });

    private IPaymentReferenceGrain PaymentReferenceGrain(string paymentReference) =>
        GrainFactory.GetGrainByKey<IPaymentReferenceGrain>(TenantKey.For(_tenant, PaymentReferenceId.Of(paymentReference)));

    private IStockGrain StockOf(OrderLine line) =>
        GrainFactory.GetGrainByKey<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(line.Sku, line.Zone)));

    private DateTimeOffset Now => time.GetUtcNow();
}
