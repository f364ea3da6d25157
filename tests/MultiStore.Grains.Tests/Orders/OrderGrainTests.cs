using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Orders;

[Collection(ClusterCollection.Name)]
public sealed class OrderGrainTests(ClusterFixture cluster)
{
    private const string Sku = "BAG-TOTE";
    private const string OtherSku = "BAG-MINI";
    private const string Zone = ClusterFixture.DefaultZone;

    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    [Fact]
    public async Task GetAsync_UnknownOrder_ReturnsNull()
    {
        using var _ = ClusterFixture.ActAs(_tenant);

        Assert.Null(await cluster.Order(_tenant, Guid.NewGuid().ToString("D")).GetAsync());
    }

    [Fact]
    public async Task UnknownOrder_AskedOrCancelled_LeavesNoActivationBehind()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var asked = cluster.Order(_tenant, Guid.NewGuid().ToString("D"));
        var cancelled = cluster.Order(_tenant, Guid.NewGuid().ToString("D"));

        Assert.Null(await asked.GetAsync());
        await StoreAssert.RefusedAsync(RuleCodes.NotFound, () => cancelled.CancelAsync());

        await cluster.WaitUntilDeactivatedAsync(asked);
        await cluster.WaitUntilDeactivatedAsync(cancelled);
    }

    [Fact]
    public async Task PlacedOrder_StaysActiveForItsExpiryTimer()
    {
        var order = await PendingOrderAsync();

        await Task.Delay(TimeSpan.FromMilliseconds(500));

        Assert.NotNull(await cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(cluster.Order(_tenant, order.OrderId)));
    }

    [Fact]
    public async Task PayAsync_PendingOrder_MarksPaidAndTakesUnitsOffOnHand()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);

        var paid = await cluster.Order(_tenant, order.OrderId).PayAsync("pay-1");

        Assert.Equal((OrderStatus.Paid, "pay-1", cluster.Now), (paid.Status, paid.PaymentReference, paid.ClosedAt));
        Assert.Equal(new StockLevel(Sku, Zone, 7, 0, 0, true), await cluster.Stock(_tenant, Sku).GetAsync());
        Assert.Equal(new StockLevel(OtherSku, Zone, 4, 0, 0, true), await cluster.Stock(_tenant, OtherSku).GetAsync());
        Assert.Equivalent(paid, await cluster.Order(_tenant, order.OrderId).GetAsync(), strict: true);
    }

    [Fact]
    public async Task PayAsync_Repeated_IsIdempotent()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);
        var grain = cluster.Order(_tenant, order.OrderId);
        var paid = await grain.PayAsync("pay-1");
        cluster.Time.Advance(TimeSpan.FromSeconds(5));

        var again = await grain.PayAsync("pay-1");

        Assert.Equivalent(paid, again, strict: true);
        Assert.Equal(7, (await cluster.Stock(_tenant, Sku).GetAsync()).OnHand);
        Assert.Equal(4, (await cluster.Stock(_tenant, OtherSku).GetAsync()).OnHand);
    }

    [Fact]
    public async Task CancelAsync_PendingOrder_CancelsAndReleasesStock()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);

        var cancelled = await cluster.Order(_tenant, order.OrderId).CancelAsync();

        Assert.Equal((OrderStatus.Cancelled, cluster.Now), (cancelled.Status, cancelled.ClosedAt));
        Assert.Equal(new StockLevel(Sku, Zone, 10, 0, 0, true), await cluster.Stock(_tenant, Sku).GetAsync());
        Assert.Equal(new StockLevel(OtherSku, Zone, 6, 0, 0, true), await cluster.Stock(_tenant, OtherSku).GetAsync());
    }

    [Fact]
    public async Task CancelAsync_Repeated_IsIdempotent()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);
        var grain = cluster.Order(_tenant, order.OrderId);
        var cancelled = await grain.CancelAsync();

        var again = await grain.CancelAsync();

        Assert.Equivalent(cancelled, again, strict: true);
        Assert.Equal(0, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
    }

    [Fact]
    public async Task CancelAsync_PaidOrder_IsRefusedAsOrderNotPending()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);
        var grain = cluster.Order(_tenant, order.OrderId);
        await grain.PayAsync("pay-1");

        var refusal = await StoreAssert.RefusedAsync(RuleCodes.OrderNotPending, () => grain.CancelAsync());

        Assert.Equal("This order was paid; a paid order cannot be cancelled.", refusal.Message);
        Assert.Equal(OrderStatus.Paid, (await grain.GetAsync())?.Status);
        Assert.Equal(new StockLevel(Sku, Zone, 7, 0, 0, true), await cluster.Stock(_tenant, Sku).GetAsync());
    }

    [Fact]
    public async Task PayAsync_CancelledOrder_IsRefusedAsOrderNotPending()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);
        var grain = cluster.Order(_tenant, order.OrderId);
        await grain.CancelAsync();

        await StoreAssert.RefusedAsync(RuleCodes.OrderNotPending, () => grain.PayAsync("pay-1"));

        Assert.Equal(OrderStatus.Cancelled, (await grain.GetAsync())?.Status);
        Assert.Equal(new StockLevel(Sku, Zone, 10, 0, 0, true), await cluster.Stock(_tenant, Sku).GetAsync());
    }

    [Fact]
    public async Task GetAsync_AfterPaymentWindow_OrderIsExpiredAndStockReleased()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);

        // One second past the deadline, well inside the stock's grace: the order must release its units itself.
        cluster.Time.Advance(ClusterFixture.PaymentWindow + TimeSpan.FromSeconds(1));
        var expired = await cluster.Order(_tenant, order.OrderId).GetAsync();

        Assert.Equal(OrderStatus.Expired, expired?.Status);
        Assert.Equal(new StockLevel(Sku, Zone, 10, 0, 0, true), await cluster.Stock(_tenant, Sku).GetAsync());
        Assert.Equal(new StockLevel(OtherSku, Zone, 6, 0, 0, true), await cluster.Stock(_tenant, OtherSku).GetAsync());
    }

    [Fact]
    public async Task ExpiryTimer_PaymentWindowPassesWithNoCallToTheOrder_ReleasesStock()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);

        // Inside the stock's own grace, so only the order's timer can have given the units back.
        cluster.Time.Advance(ClusterFixture.PaymentWindow + TimeSpan.FromSeconds(1));
        var level = await Eventually.ReadAsync(() => cluster.Stock(_tenant, Sku).GetAsync(), l => l.Reserved == 0);

        Assert.Equal(new StockLevel(Sku, Zone, 10, 0, 0, true), level);
        Assert.Equal(OrderStatus.Expired, (await cluster.Order(_tenant, order.OrderId).GetAsync())?.Status);
    }

    [Fact]
    public async Task PayAsync_WhenALineIsNoLongerHeld_ReturnsTheConfirmedLinesOnceAndExpiresTheOrder()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);
        var grain = cluster.Order(_tenant, order.OrderId);
        var kept = order.Lines.Single(line => line.Sku == Sku);
        var lost = order.Lines.Single(line => line.Sku == OtherSku);
        // One line's hold is gone before payment (as after a clock jump past the stock's grace).
        await cluster.Stock(_tenant, OtherSku).ReleaseAsync(lost.ReservationId);

        await StoreAssert.RefusedAsync(RuleCodes.OrderExpired, () => grain.PayAsync("pay-late"));
        var cancelLate = await StoreAssert.RefusedAsync(RuleCodes.OrderExpired, () => grain.CancelAsync());
        Assert.StartsWith("This order expired:", cancelLate.Message, StringComparison.Ordinal);
        // A retry of the reversal, as after a crash between it and the order's own write, adds nothing more.
        var again = await cluster.Stock(_tenant, Sku).ReturnAsync(kept.ReservationId);

        Assert.Equal(OrderStatus.Expired, (await grain.GetAsync())?.Status);
        Assert.Equal(ReservationStatus.Returned, again.Status);
        Assert.Equal(new StockLevel(Sku, Zone, 10, 0, 0, true), await cluster.Stock(_tenant, Sku).GetAsync());
        var ledger = await cluster.Stock(_tenant, Sku).GetLedgerAsync(null, 10);
        Assert.Equal((LedgerKinds.Return, kept.Quantity, 10), (ledger.Entries[0].Kind, ledger.Entries[0].Delta, ledger.Entries[0].OnHandAfter));
        Assert.Equal(10, ledger.Entries.Sum(line => line.Delta));
    }

    [Fact]
    public async Task PayAsync_OfAPaidOrder_UnderAnotherReference_IsRefused_AndChangesNothing()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);
        var grain = cluster.Order(_tenant, order.OrderId);
        var paid = await grain.PayAsync("pay-1");

        await StoreAssert.RefusedAsync(RuleCodes.OrderNotPending, () => grain.PayAsync("pay-2"));
        await StoreAssert.RefusedAsync(RuleCodes.OrderNotPending, () => grain.PayAsync(null));

        Assert.Equivalent(paid, await grain.GetAsync(), strict: true);
        Assert.Equal(7, (await cluster.Stock(_tenant, Sku).GetAsync()).OnHand);
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", null)]
    public async Task PayAsync_WithoutAReference_RetriedWithAnEmptyOne_IsTheSamePayment(string? first, string? retry)
    {
        // A client that sends "paymentReference": "" once and leaves it out on its retry (or the other way round)
        // names no reference either time: the retry is not a second charge to refund.
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);
        var grain = cluster.Order(_tenant, order.OrderId);
        var paid = await grain.PayAsync(first);

        var again = await grain.PayAsync(retry);

        Assert.Null(paid.PaymentReference);
        Assert.Equivalent(paid, again, strict: true);
        Assert.Equal(7, (await cluster.Stock(_tenant, Sku).GetAsync()).OnHand);
        await StoreAssert.RefusedAsync(RuleCodes.OrderNotPending, () => grain.PayAsync("pay-2"));
    }

    [Fact]
    public async Task PayAsync_WhenALineIsHeldForAnotherQuantity_ReturnsWhatWasConfirmedAndExpiresTheOrder()
    {
        // The stock must sell exactly what the order says: a hold resized behind the order's back is no payment.
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);
        var grain = cluster.Order(_tenant, order.OrderId);
        var resized = order.Lines.Single(line => line.Sku == OtherSku);
        await cluster.Stock(_tenant, OtherSku).ReserveAsync(resized.ReservationId, resized.Quantity - 1, TimeSpan.FromHours(1));

        await StoreAssert.RefusedAsync(RuleCodes.OrderExpired, () => grain.PayAsync("pay-1"));

        Assert.Equal(OrderStatus.Expired, (await grain.GetAsync())?.Status);
        Assert.Equal(new StockLevel(Sku, Zone, 10, 0, 0, true), await cluster.Stock(_tenant, Sku).GetAsync());
        Assert.Equal(0, (await cluster.Stock(_tenant, OtherSku).GetAsync()).Reserved);
    }

    [Fact]
    public async Task CancelAsync_AfterAPaymentThatConfirmedOnlyOneLine_GivesThatLineBackToo()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);
        var grain = cluster.Order(_tenant, order.OrderId);
        // A payment that confirmed one line and then failed (a timeout, a crash before the order was written).
        var sold = order.Lines.Single(line => line.Sku == Sku);
        Assert.Equal(ReservationStatus.Confirmed, (await cluster.Stock(_tenant, Sku).ConfirmAsync(sold.ReservationId)).Status);

        var cancelled = await grain.CancelAsync();

        Assert.Equal(OrderStatus.Cancelled, cancelled.Status);
        Assert.Equal(new StockLevel(Sku, Zone, 10, 0, 0, true), await cluster.Stock(_tenant, Sku).GetAsync());
        Assert.Equal(new StockLevel(OtherSku, Zone, 6, 0, 0, true), await cluster.Stock(_tenant, OtherSku).GetAsync());
        var ledger = await cluster.Stock(_tenant, Sku).GetLedgerAsync(null, 10);
        Assert.Equal(LedgerKinds.Return, ledger.Entries[0].Kind);
    }

    [Fact]
    public async Task Expiry_AfterAPaymentThatConfirmedOnlyOneLine_GivesThatLineBackToo()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);
        var grain = cluster.Order(_tenant, order.OrderId);
        var sold = order.Lines.Single(line => line.Sku == OtherSku);
        await cluster.Stock(_tenant, OtherSku).ConfirmAsync(sold.ReservationId);

        cluster.Time.Advance(ClusterFixture.PaymentWindow + TimeSpan.FromSeconds(1));

        await StoreAssert.RefusedAsync(RuleCodes.OrderExpired, () => grain.PayAsync("late"));
        Assert.Equal(OrderStatus.Expired, (await grain.GetAsync())?.Status);
        Assert.Equal(new StockLevel(Sku, Zone, 10, 0, 0, true), await cluster.Stock(_tenant, Sku).GetAsync());
        Assert.Equal(new StockLevel(OtherSku, Zone, 6, 0, 0, true), await cluster.Stock(_tenant, OtherSku).GetAsync());
    }

    [Fact]
    public async Task PayAsync_AfterPaymentWindow_IsRefusedAsOrderExpired()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);
        var grain = cluster.Order(_tenant, order.OrderId);

        cluster.Time.Advance(ClusterFixture.PaymentWindow + TimeSpan.FromSeconds(1));

        await StoreAssert.RefusedAsync(RuleCodes.OrderExpired, () => grain.PayAsync("late"));
        Assert.Equal(OrderStatus.Expired, (await grain.GetAsync())?.Status);
        Assert.Equal(new StockLevel(Sku, Zone, 10, 0, 0, true), await cluster.Stock(_tenant, Sku).GetAsync());
    }

    [Fact]
    public async Task CancelAsync_AfterPaymentWindow_IsRefusedAsOrderExpired_AsPayIs_AndReleasesStockOnce()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);
        var grain = cluster.Order(_tenant, order.OrderId);

        // Past the deadline, before the order's timer noticed: this cancel is what expires it.
        cluster.Time.Advance(ClusterFixture.PaymentWindow + TimeSpan.FromSeconds(1));
        var first = await StoreAssert.RefusedAsync(RuleCodes.OrderExpired, () => grain.CancelAsync());
        // Now stored as expired: a retry, and a payment, get the same answer.
        var again = await StoreAssert.RefusedAsync(RuleCodes.OrderExpired, () => grain.CancelAsync());
        await StoreAssert.RefusedAsync(RuleCodes.OrderExpired, () => grain.PayAsync("late"));

        Assert.StartsWith("This order expired:", first.Message, StringComparison.Ordinal);
        Assert.Equal(first.Message, again.Message);
        Assert.Equal(OrderStatus.Expired, (await grain.GetAsync())?.Status);
        Assert.Equal(new StockLevel(Sku, Zone, 10, 0, 0, true), await cluster.Stock(_tenant, Sku).GetAsync());
        Assert.Equal(new StockLevel(OtherSku, Zone, 6, 0, 0, true), await cluster.Stock(_tenant, OtherSku).GetAsync());
    }

    [Fact]
    public async Task PayAsync_JustBeforeDeadline_IsAccepted()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);

        cluster.Time.Advance(ClusterFixture.PaymentWindow - TimeSpan.FromSeconds(1));
        var paid = await cluster.Order(_tenant, order.OrderId).PayAsync("pay-1");

        Assert.Equal(OrderStatus.Paid, paid.Status);
        Assert.Equal(new StockLevel(Sku, Zone, 7, 0, 0, true), await cluster.Stock(_tenant, Sku).GetAsync());
    }

    [Fact]
    public async Task PayAsync_ConcurrentWithCancel_ExactlyOneWinsAndStockAgrees()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);
        var grain = cluster.Order(_tenant, order.OrderId);

        var pay = Capture(() => grain.PayAsync("pay-1"));
        var cancel = Capture(() => grain.CancelAsync());
        await Task.WhenAll(pay, cancel);

        var final = (await grain.GetAsync())!;
        var level = await cluster.Stock(_tenant, Sku).GetAsync();
        if (final.Status == OrderStatus.Paid)
        {
            Assert.Equal(RuleCodes.OrderNotPending, (await cancel).Refusal?.Code);
            Assert.Equal((7, 0), (level.OnHand, level.Reserved));
        }
        else
        {
            Assert.Equal(OrderStatus.Cancelled, final.Status);
            Assert.Equal(RuleCodes.OrderNotPending, (await pay).Refusal?.Code);
            Assert.Equal((10, 0), (level.OnHand, level.Reserved));
        }

        static Task<(OrderView? View, StoreRuleException? Refusal)> Capture(Func<Task<OrderView>> call) => Task.Run(async () =>
        {
            try
            {
                return ((OrderView?)await call(), (StoreRuleException?)null);
            }
            catch (StoreRuleException refusal)
            {
                return (null, refusal);
            }
        });
    }

    /// <summary>A pending order for 3 of 10 <see cref="Sku"/> and 2 of 6 <see cref="OtherSku"/>.</summary>
    private async Task<OrderView> PendingOrderAsync()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        await cluster.StockAsync(_tenant, OtherSku, 6);
        var order = await cluster.PlaceOrderAsync(_tenant, (Sku, 3), (OtherSku, 2));
        Assert.Equal(OrderStatus.PendingPayment, order.Status);
        return order;
    }
}
