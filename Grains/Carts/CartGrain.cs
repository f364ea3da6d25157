using Microsoft.Extensions.Options;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Carts;
using MultiStore.Grains.Interfaces.Catalog;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Interfaces.Warehouse;

namespace MultiStore.Grains.Carts;

/// <summary>
/// A shopper's cart. Each line owns one reservation in its stock entry; the stock entry expires it on its own,
/// so an abandoned cart needs no clean-up. A line whose hold has passed gets a fresh reservation when touched.
/// Prices are quoted from the store's catalog at checkout and fixed in the order.
/// <para>
/// A cart lives in memory only while it answers a call (<see cref="Invoke"/>): every change is written before it is
/// acknowledged, so nothing is lost, and a shopper coming back costs one batched read. A flash sale opens a cart per
/// shopper, thousands a second. Kept for minutes after their one call, the carts outlived the garbage collector's
/// young generations and were copied into the old one: at 8,600 storefront requests/s the silo's collections paused it
/// for 50-150 ms and set the p99 (105 ms); with each cart gone once idle it was 46-52 ms at 8,900-9,700 requests/s
/// (the bench's http target, C=256). Kept for 15 minutes, 260,000 idle carts had raised the silo's CPU per request from
/// 92 to 153 µs.
/// </para>
/// <para>
/// A call that a silo-wide filter refuses (another store's caller, a missing permission) activates the cart without
/// reaching <see cref="Invoke"/>; such an activation goes after <see cref="UnansweredIdleMinutes"/>, not Orleans' 15,
/// so that a stream of refused calls cannot pile carts up.
/// </para>
/// </summary>
[CollectionAgeLimit(Minutes = UnansweredIdleMinutes)]
public sealed class CartGrain(
    [PersistentState("cart", StorageNames.Shopping)] IPersistentState<CartState> cart,
    TimeProvider time,
    IOptions<ReservationOptions> options,
    ReservationCoalescer reservations) : Grain, ICartGrain, IIncomingGrainCallFilter
{
    /// <summary>How long a cart whose calls never reached <see cref="Invoke"/> stays active (its collection age).</summary>
    public const int UnansweredIdleMinutes = 2;

    /// <summary>A cart holds at most this many lines (a cap against abuse, not a business limit).</summary>
    public const int MaxLines = 50;

    private TenantId _tenant;
    private string _cartId = string.Empty;

    private CartState State => cart.State;

    private ReservationOptions Options => options.Value;

    private ICatalogGrain Catalog => GrainFactory.GetGrainByKey<ICatalogGrain>(TenantKey.For(_tenant, ICatalogGrain.EntityId));

    private IWarehouseGrain Warehouse => GrainFactory.GetGrainByKey<IWarehouseGrain>(TenantKey.For(_tenant, IWarehouseGrain.EntityId));

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        (_tenant, _cartId) = TenantKey.Parse(this.GetPrimaryKeyString());
        return Task.CompletedTask;
    }

    /// <summary>
    /// Every call to the cart passes here. Once it is answered the activation is deactivated; a call queued behind it
    /// is forwarded by Orleans to a fresh activation, which reads the stored state.
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        finally
        {
            DeactivateOnIdle();
        }
    }

    /// <inheritdoc />
    public async Task<CartView?> GetAsync()
    {
        if (!State.Exists)
        {
            return null;
        }

        // A checked-out cart's units are its order's: held until the order's deadline, when the order gives them back
        // (the stock keeps them a grace longer only as a safety margin), and no longer once it is paid, cancelled or
        // expired. Asked of the order, which closes itself first if its deadline has passed.
        return State.OrderId is { } placed && await OrderOf(placed).GetAsync() is { } order ? View(order) : View();
    }

    /// <inheritdoc />
    public async Task<CartChange> SetItemAsync(string sku, string zone, int quantity)
    {
        IdRules.EnsureSku(sku);
        IdRules.EnsureZone(zone);
        if (quantity is < 0 or > IdRules.MaxQuantity)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"A line holds 0 to {IdRules.MaxQuantity} units, not {quantity}.");
        }

        await EnsureOpenAsync();
        State.Lines.TryGetValue(sku, out var line);
        if (quantity == 0)
        {
            return new CartChange(await RemoveLineAsync(sku) ?? EmptyView(), null);
        }

        if (line is null && State.Lines.Count >= MaxLines)
        {
            throw new StoreRuleException(RuleCodes.CartFull, $"A cart holds at most {MaxLines} lines.");
        }

        var stock = StockOf(sku, zone);
        var kept = line is not null && line.Zone == zone && IsHeld(line) ? await KeepReservationAsync(stock, line, quantity) : null;
        var keepsReservation = kept is not null;
        // Shoppers adding the same hot SKU at once share one call to its stock entry.
        var (reservationId, result) = kept is not null
            ? (line!.ReservationId, kept)
            : await ReserveNewAsync(stock, sku, id => reservations.ReserveAsync(stock, id, quantity, Options.CartHold));

        if (!result.IsHeld)
        {
            if (!keepsReservation && line is not null && line.Zone == zone && IsHeld(line))
            {
                // The cart showed the line held but the stock had let its hold go: the line stays as it was, held
                // again if its units are still free, so a raise that falls short never costs the shopper the line.
                result = await HoldAgainAsync(stock, line);
            }

            // The line keeps what the stock holds for it; a shopper may have up to those units plus what is free.
            var ownHeld = result.IsHeld || (keepsReservation && result.Status == ReservationStatus.InsufficientStock) ? result.Quantity : 0;
            return new CartChange(View(), new StockShortage(sku, zone, quantity, result.Available + ownHeld));
        }

        var taken = new CartLineState(sku, zone, quantity, reservationId, result.ExpiresAt!.Value);
        State.Lines[sku] = taken;
        // Moved to another zone, or the old hold ended: the old reservation is given back (idempotent), once stored.
        await SaveReplacingAsync(keepsReservation ? null : line, keepsReservation ? null : taken);
        return new CartChange(View(), null);
    }

    /// <inheritdoc />
    public async Task<CartChange> SetItemForShopperAsync(string sku, string? zone, int quantity, int maxLines)
    {
        IdRules.EnsureSku(sku);
        if (zone is not null)
        {
            IdRules.EnsureZone(zone);
        }

        // A shopper who names no zone changes the line where it is, or buys from the store's default zone, asked here
        // next to the cart. Asked by the Api, it cost a round trip of its own: 35 µs of CPU more per storefront
        // request (bench, http, C=256).
        // A checked-out cart says so before anything else is judged (a line's SKU archived since, a full cart).
        await EnsureOpenAsync();
        if (quantity == 0)
        {
            // A removal removes the SKU's line whatever zone it names, and answers the cart, as a DELETE does: a cart
            // holds one line a SKU, so the zone adds nothing, and a client retrying (or naming the zone it shows the
            // shopper) must not get a 404. Judged by the zone named instead, the same removal removed the line when
            // that zone stocked the SKU and was a 404 when it did not; a SKU with no line changes nothing.
            return new CartChange(await RemoveLineAsync(sku) ?? EmptyView(), null);
        }

        zone ??= State.Lines.TryGetValue(sku, out var line) ? line.Zone : null;
        var defaultZone = zone is null ? Warehouse.GetDefaultZoneAsync() : null;

        // Nothing may be reserved for a SKU that is not for sale, so the catalog is asked first (while the warehouse
        // is). SKUs the catalog never issued (stock set up directly) are sold as stocked.
        var forSale = Catalog.FindSkusAsync([sku]);
        zone ??= await defaultZone!;
        var refusal = await forSale is [{ Status: ProductStatus.Archived }] ? CartRefusal.NotForSale
            : !State.Lines.ContainsKey(sku) && State.Lines.Count >= maxLines ? CartRefusal.CartFull
            : (CartRefusal?)null;
        if (refusal is { } refused)
        {
            return Refused(refused);
        }

        // An entry never stocked has nothing available, so its reservation fails without a write; only then is it
        // asked whether it is stocked at all. A successful add makes no call for that gate.
        var change = await SetItemAsync(sku, zone, quantity);
        return change.Shortage is not null && !await StockOf(sku, zone).IsStockedAsync() ? Refused(CartRefusal.NotStocked) : change;
    }

    private CartChange Refused(CartRefusal refusal) => new(State.Exists ? View() : EmptyView(), null, refusal);

    /// <inheritdoc />
    public async Task<CartView?> RemoveItemAsync(string sku)
    {
        IdRules.EnsureSku(sku);
        if (!State.Exists)
        {
            return null;
        }

        await EnsureOpenAsync();
        return await RemoveLineAsync(sku);
    }

    /// <inheritdoc />
    public async Task<CheckoutResult> CheckoutAsync()
    {
        if (State.OrderId is { } placed)
        {
            return new CheckoutResult(await OrderOf(placed).GetAsync(), null, AlreadyCheckedOut: true);
        }

        // A checkout that placed its order but failed to record it (its caller saw a failure, so this call is the first to
        // answer with the order): the order is taken as it stands. Holding the lines again first would reserve anew the
        // units of an order that was paid (or closed) since, and strand them. An order never placed is abandoned for
        // good, and this checkout places a new one.
        if (State.PendingOrderId is { } pending)
        {
            if (await OrderOf(pending).AbandonUnplacedAsync() is { } earlier)
            {
                State.OrderId = earlier.OrderId;
                await SaveAsync();
                return new CheckoutResult(earlier, null);
            }

            State.PendingOrderId = null;
        }

        if (State.Lines.Count == 0)
        {
            throw new StoreRuleException(RuleCodes.CartEmpty, "An empty cart cannot be checked out.");
        }

        // A line whose product was archived after it was added is not sold: the shopper removes it and checks out the
        // rest. Asked before anything is held, with the prices the order takes.
        var (currency, prices, archived) = await QuoteAsync();
        if (archived.Count > 0)
        {
            throw new StoreRuleException(RuleCodes.NotForSale, $"No longer for sale: {string.Join(", ", archived)}. Remove it to check out the rest.");
        }

        // The stock keeps an order's units a little past the order's deadline; the order releases them itself.
        var hold = Options.PaymentWindow + Options.ExpiryGrace;
        foreach (var line in State.Lines.Values.ToList())
        {
            var shortage = await HoldForPaymentAsync(line, hold);
            if (shortage is not null)
            {
                await SaveAsync();
                return new CheckoutResult(null, shortage);
            }
        }

        State.PendingOrderId ??= Guid.NewGuid().ToString("D");
        await SaveAsync();

        var orderLines = State.Lines.Values
            .OrderBy(line => line.Sku, StringComparer.Ordinal)
            .Select(line => new OrderLine(line.Sku, line.Zone, line.Quantity, line.ReservationId, prices.GetValueOrDefault(line.Sku)))
            .ToList();
        // The deadline comes from the holds, each ended by its own stock entry's clock, less the grace they keep: however
        // long the lines took to extend, no hold ends before the order's payment window does.
        var deadline = State.Lines.Values.Min(line => line.ExpiresAt) - Options.ExpiryGrace;
        var order = await OrderOf(State.PendingOrderId).PlaceAsync(_cartId, orderLines, currency, deadline);

        State.OrderId = order.OrderId;
        await SaveAsync();
        return new CheckoutResult(order, null);
    }

    /// <summary>
    /// The catalog's currency, its current price of each line's SKU, and the lines' SKUs it has archived. A SKU the
    /// catalog never issued (stock an admin set up directly, outside the catalog) is left out and sells at 0: refusing
    /// it would strand carts that the storefront accepted, and its revenue shows as 0 in the figures rather than as a
    /// made-up price.
    /// </summary>
    private async Task<(string Currency, Dictionary<string, decimal> Prices, List<string> Archived)> QuoteAsync()
    {
        var settings = await Catalog.GetSettingsAsync();
        var found = await Catalog.FindSkusAsync([.. State.Lines.Keys]);
        return (
            settings.Currency,
            found.ToDictionary(sku => sku.Sku, sku => sku.Price, StringComparer.Ordinal),
            [.. found.Where(sku => sku.Status == ProductStatus.Archived).Select(sku => sku.Sku)]);
    }

    /// <summary>
    /// Holds a line for the payment window, exactly as many units as the line says: extends its hold (resizing it if the
    /// stock holds another quantity), or reserves it again if its hold has passed.
    /// </summary>
    private async Task<StockShortage?> HoldForPaymentAsync(CartLineState line, TimeSpan hold)
    {
        var stock = StockOf(line.Sku, line.Zone);
        var result = await HoldAsync(stock, line.ReservationId, line.Quantity, hold, resize: false);
        if (result.Status == ReservationStatus.InsufficientStock)
        {
            return new StockShortage(line.Sku, line.Zone, line.Quantity, result.Available + result.Quantity);
        }

        if (!result.IsHeld)
        {
            (var reservationId, result) = await ReserveNewAsync(stock, line.Sku, id => stock.ReserveAsync(id, line.Quantity, hold));
            if (!result.IsHeld)
            {
                return new StockShortage(line.Sku, line.Zone, line.Quantity, result.Available);
            }

            if (result.ExpiresAt < Now + Options.PaymentWindow + (Options.ExpiryGrace / 2))
            {
                // An id an earlier attempt had reserved with this quantity: the stock answered its hold as it stood. (A
                // fresh hold ends a moment short of Now + hold, by the time the answer took: that one needs nothing.)
                result = await stock.ExtendAsync(reservationId, hold);
                if (!result.IsHeld)
                {
                    // That hold ended in between: the line reserves again, under its next id.
                    return await HoldForPaymentAsync(line with { ReservationId = reservationId }, hold);
                }
            }

            line = line with { ReservationId = reservationId };
        }

        State.Lines[line.Sku] = line with { ExpiresAt = result.ExpiresAt!.Value };
        return null;
    }

    /// <summary>
    /// Holds <paramref name="quantity"/> units under a reservation the line already has, for <paramref name="ttl"/>:
    /// an extension when the quantity stays, checked against what the stock really holds, which may differ from the
    /// cart's record after a cart write failed; a resize otherwise. Answers the stock's last word.
    /// </summary>
    private async Task<ReservationResult> HoldAsync(IStockGrain stock, string reservationId, int quantity, TimeSpan ttl, bool resize)
    {
        if (!resize)
        {
            var extended = await stock.ExtendAsync(reservationId, ttl);
            if (!extended.IsHeld || extended.Quantity == quantity)
            {
                return extended;
            }
        }

        return await reservations.ReserveAsync(stock, reservationId, quantity, ttl);
    }

    /// <summary>
    /// Asks a line's own reservation for <paramref name="quantity"/> units: the stock's answer, or null when that hold
    /// ended meanwhile (expired at the stock, released, or settled and forgotten for newer ones) and the line must
    /// reserve anew instead of reporting a shortage for ever.
    /// </summary>
    private async Task<ReservationResult?> KeepReservationAsync(IStockGrain stock, CartLineState line, int quantity)
    {
        var result = await HoldAsync(stock, line.ReservationId, quantity, Options.CartHold, resize: line.Quantity != quantity);
        if (result.Status == ReservationStatus.InsufficientStock && result.Quantity == 0)
        {
            // The stock holds nothing under the id, nor remembers it (settled and forgotten for newer ones): the hold
            // is gone, as when it answers released or expired, and the resize was judged as a new reservation.
            return null;
        }

        if (result.Status == ReservationStatus.InsufficientStock && result.Quantity != line.Quantity)
        {
            // The stock holds another quantity than the cart recorded (a resize whose cart write failed): the line
            // takes what is really held, so that a checkout never orders units nobody holds.
            await RecordHeldAsync(line, result);
        }

        return result.IsHeld || result.Status == ReservationStatus.InsufficientStock ? result : null;
    }

    /// <summary>
    /// Holds a line's own quantity again under a fresh reservation id, once its old hold is gone, and stores the line:
    /// held anew, or shown no longer held if its units were taken. Answers the stock's word on that hold.
    /// </summary>
    private async Task<ReservationResult> HoldAgainAsync(IStockGrain stock, CartLineState line)
    {
        var (reservationId, result) = await ReserveNewAsync(stock, line.Sku, id => stock.ReserveAsync(id, line.Quantity, Options.CartHold));
        State.Lines[line.Sku] = result.IsHeld
            ? line with { ReservationId = reservationId, ExpiresAt = result.ExpiresAt!.Value }
            : line with { ExpiresAt = Now };
        await SaveReplacingAsync(null, result.IsHeld ? State.Lines[line.Sku] : null);
        return result;
    }

    /// <summary>Records the quantity the stock holds for a line, and until when (a hold that is gone never gets here).</summary>
    private async Task RecordHeldAsync(CartLineState line, ReservationResult held)
    {
        // The stock may have extended that hold on the way (an extension asked before the resize fell short): the
        // line ends when it does, or the cart shows it released while its units are still held.
        State.Lines[line.Sku] = line with { Quantity = held.Quantity, ExpiresAt = held.ExpiresAt ?? line.ExpiresAt };
        await SaveAsync();
    }

    private async Task<CartView?> RemoveLineAsync(string sku)
    {
        if (State.Lines.Remove(sku, out var line))
        {
            await SaveReplacingAsync(line, null);
        }

        return State.Exists ? View() : null;
    }

    /// <summary>
    /// Saves a change that replaces <paramref name="dropped"/>'s hold with <paramref name="taken"/>'s (a move, a fresh
    /// hold), with none (a removal), or takes a hold where there was none (a new line), then gives back the hold the
    /// cart no longer names.
    /// <para>
    /// Released before the write, a failed write left storage showing the old line held (and GET with it, until its
    /// expiry) while the stock had let its units go. So the old hold is kept until the write is stored: a failed
    /// write changes nothing the shopper was told, and the cart and the stock still agree. A write can fail after it
    /// was stored (its answer lost), so storage is read back to tell which line it holds, and the other hold is given
    /// back: neither outcome leaves stock held for a line the shopper cannot see. A new line's hold is given back the
    /// same way: kept, it stayed held for a line the shopper was told failed, a whole cart hold if the shopper left
    /// (a retry that finds it released reserves under the next id). If even that read fails, both holds
    /// stay and the one the cart does not name ends at its expiry.
    /// </para>
    /// </summary>
    private async Task SaveReplacingAsync(CartLineState? dropped, CartLineState? taken)
    {
        try
        {
            await SaveAsync();
        }
        catch when (dropped is not null || taken is not null)
        {
            await cart.ReadStateAsync();
            await ReleaseAsync(Named(dropped) ? null : dropped);
            await ReleaseAsync(Named(taken) ? null : taken);
            throw;
        }

        await ReleaseAsync(dropped);
    }

    /// <summary>Whether the cart as stored names <paramref name="line"/>'s hold.</summary>
    private bool Named(CartLineState? line) =>
        line is not null && State.Lines.TryGetValue(line.Sku, out var stored) && stored.ReservationId == line.ReservationId;

    private Task ReleaseAsync(CartLineState? line) =>
        line is null ? Task.CompletedTask : StockOf(line.Sku, line.Zone).ReleaseAsync(line.ReservationId);

    private async Task SaveAsync()
    {
        State.Exists = true;
        State.UpdatedAt = Now;
        await cart.WriteStateAsync();
    }

    /// <summary>
    /// Refuses changes once the cart is checked out. A checkout that never placed its order (placing it failed, and
    /// its retry then stopped at a shortage or an archived line) leaves the cart open: closed, the shopper could
    /// neither fix the cart nor check it out. That order is abandoned first: a placement of it still in flight (a
    /// second activation around a silo's failure) would otherwise land later holding the very reservations the reopened
    /// cart keeps and checks out again, and both orders could be paid for one set of units.
    /// </summary>
    private async Task EnsureOpenAsync()
    {
        if (State.OrderId is null && State.PendingOrderId is { } pending && await OrderOf(pending).AbandonUnplacedAsync() is null)
        {
            State.PendingOrderId = null;
        }

        if (State.OrderId is not null || State.PendingOrderId is not null)
        {
            throw new StoreRuleException(RuleCodes.CartClosed, "This cart was checked out; start a new cart.");
        }
    }

    private string ReservationIdOf(string sku, int sequence) => $"cart:{_cartId}:{sku}:{sequence}";

    /// <summary>
    /// Reserves under the cart's next reservation id. An id that the stock entry has already settled (released,
    /// expired, sold) was taken by an earlier attempt whose cart was never saved: the stock said yes, then the cart's
    /// write failed, so its stored sequence did not move, and the attempt gave its hold back. The entry remembers settled
    /// ids (idempotency) and refuses them for days, so the cart reserves under the first id past them instead.
    /// </summary>
    private async Task<(string Id, ReservationResult Result)> ReserveNewAsync(IStockGrain stock, string sku, Func<string, Task<ReservationResult>> reserve)
    {
        // The usual case costs one ask: the next id is new to the stock, or it is the hold an attempt left behind (its
        // answer lost, or the cart unable to read itself back), which is taken over instead of stranded.
        var next = State.ReservationSequence + 1;
        var result = await reserve(ReservationIdOf(sku, next));
        if (IsSettled(result.Status) && await FirstUnusedSequenceAsync(stock, sku, next) is { } unused)
        {
            next = unused;
            result = await reserve(ReservationIdOf(sku, next));
        }

        State.ReservationSequence = next;
        return (ReservationIdOf(sku, next), result);
    }

    /// <summary>
    /// The first sequence after <paramref name="used"/> whose id the stock entry has never seen, or null past the
    /// sequence's range. Failed attempts each take the first unused id, so the used ones form one run from the stored
    /// sequence on: it is found by doubling steps, then halving, in about 2·log2(run) asks whatever its length (stepping
    /// over the run one id at a time had to stop somewhere, and from then on the SKU answered a shortage with its stock
    /// free until another change saved the cart; steps that merely grow, 1, 2, 4, …, move the same limit, as each
    /// failed attempt then uses the next of those steps). The stock is asked by a release: it changes nothing for an id
    /// the entry never saw or has settled, and gives back a hold no saved cart names, left by an attempt whose cart
    /// could not read itself back. An id is only ever reserved once the entry has answered that it does not know it.
    /// </summary>
    private async Task<int?> FirstUnusedSequenceAsync(IStockGrain stock, string sku, int used)
    {
        long seen = used;
        long unused;
        for (long step = 1; ; step *= 2)
        {
            var probe = seen + step;
            if (probe > int.MaxValue)
            {
                return null;
            }

            if (!await IsUsedAsync(stock, sku, (int)probe))
            {
                unused = probe;
                break;
            }

            seen = probe;
        }

        while (unused - seen > 1)
        {
            var middle = seen + ((unused - seen) / 2);
            if (await IsUsedAsync(stock, sku, (int)middle))
            {
                seen = middle;
            }
            else
            {
                unused = middle;
            }
        }

        return (int)unused;
    }

    private async Task<bool> IsUsedAsync(IStockGrain stock, string sku, int sequence) =>
        (await stock.ReleaseAsync(ReservationIdOf(sku, sequence))).Status != ReservationStatus.Unknown;

    private static bool IsSettled(ReservationStatus status) =>
        status is ReservationStatus.Released or ReservationStatus.Expired or ReservationStatus.Confirmed or ReservationStatus.Returned;

    private bool IsHeld(CartLineState line) => line.ExpiresAt > Now;

    private DateTimeOffset Now => time.GetUtcNow();

    private IStockGrain StockOf(string sku, string zone) =>
        GrainFactory.GetGrainByKey<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(sku, zone)));

    private IOrderGrain OrderOf(string orderId) => GrainFactory.GetGrainByKey<IOrderGrain>(TenantKey.For(_tenant, orderId));

    /// <param name="order">The order that took the cart over, if any: its lines are then held as the order holds them.</param>
    private CartView View(OrderView? order = null) => new(
        _cartId,
        [.. State.Lines.Values
            .OrderBy(line => line.Sku, StringComparer.Ordinal)
            .Select(line => new CartLine(
                line.Sku,
                line.Zone,
                line.Quantity,
                line.ReservationId,
                order?.ExpiresAt ?? line.ExpiresAt,
                order is null ? IsHeld(line) : order.Status == OrderStatus.PendingPayment))],
        State.OrderId,
        State.UpdatedAt);

    private CartView EmptyView() => new(_cartId, [], null, Now);
}
