using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Orders;

/// <summary>A payment that claimed its reference and sold the stock, then failed to store the order as paid.</summary>
public sealed class PaymentReferenceFailureTests(FlakyStorageCluster cluster) : IClassFixture<FlakyStorageCluster>
{
    private const string Sku = "MUG-TEAL";
    private const string Zone = ClusterFixture.DefaultZone;

    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    [Fact]
    public async Task PayAsync_RetriedAfterItsWriteFailedPastTheClaim_PaysTheOrder_AndNoOtherOrderMayUseTheReference()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = await StockAsync();
        var first = await PendingOrderAsync("line-a");
        var second = await PendingOrderAsync("line-b");
        await PayFailingAtTheCloseAsync(first);

        await StoreAssert.RefusedAsync(RuleCodes.PaymentReferenceUsed, () => second.PayAsync("cap-9"));
        var paid = await first.PayAsync("cap-9");

        Assert.Equal((OrderStatus.Paid, "cap-9"), (paid.Status, paid.PaymentReference));
        Assert.Equal(OrderStatus.PendingPayment, (await second.GetAsync())?.Status);
        Assert.Equal(new StockLevel(Sku, Zone, 8, 2, 0, true), await stock.GetAsync());
    }

    [Fact]
    public async Task CancelAsync_AfterAPaymentFailedPastTheClaim_FreesTheReferenceForAnotherOrder()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = await StockAsync();
        var first = await PendingOrderAsync("line-a");
        var second = await PendingOrderAsync("line-b");
        await PayFailingAtTheCloseAsync(first);
        await StoreAssert.RefusedAsync(RuleCodes.PaymentReferenceUsed, () => second.PayAsync("cap-9"));

        // Cancelled before it was ever stored as paid: the units it sold come back, and so does the reference.
        await first.CancelAsync();
        var paid = await second.PayAsync("cap-9");

        Assert.Equal((OrderStatus.Paid, "cap-9"), (paid.Status, paid.PaymentReference));
        Assert.Equal(new StockLevel(Sku, Zone, 8, 0, 0, true), await stock.GetAsync());
    }

    [Fact]
    public async Task PayAsync_RetriedWithAReferenceAnotherOrderHolds_AfterAPaymentFailedPastTheClaim_KeepsTheFirstClaim()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = await StockAsync();
        var first = await PendingOrderAsync("line-a");
        var second = await PendingOrderAsync("line-b");
        var third = await PendingOrderAsync("line-c");
        await third.PayAsync("cap-7");
        await PayFailingAtTheCloseAsync(first);

        // A retry under a reference that pays another order is refused, and must not give up the claim the order holds.
        await StoreAssert.RefusedAsync(RuleCodes.PaymentReferenceUsed, () => first.PayAsync("cap-7"));

        await StoreAssert.RefusedAsync(RuleCodes.PaymentReferenceUsed, () => second.PayAsync("cap-9"));
        var paid = await first.PayAsync("cap-9");
        Assert.Equal((OrderStatus.Paid, "cap-9"), (paid.Status, paid.PaymentReference));
        Assert.Equal(OrderStatus.PendingPayment, (await second.GetAsync())?.Status);
        Assert.Equal(new StockLevel(Sku, Zone, 6, 2, 0, true), await stock.GetAsync());
    }

    [Fact]
    public async Task CancelAsync_AfterARetryUnderAnotherHeldReference_FreesTheFirstClaim_AndLeavesTheOtherOrdersOwn()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await StockAsync();
        var first = await PendingOrderAsync("line-a");
        var second = await PendingOrderAsync("line-b");
        var third = await PendingOrderAsync("line-c");
        await third.PayAsync("cap-7");
        await PayFailingAtTheCloseAsync(first);
        await StoreAssert.RefusedAsync(RuleCodes.PaymentReferenceUsed, () => first.PayAsync("cap-7"));

        await first.CancelAsync();

        // The third order keeps its reference; the one the cancelled order held is free.
        await StoreAssert.RefusedAsync(RuleCodes.PaymentReferenceUsed, () => second.PayAsync("cap-7"));
        var paid = await second.PayAsync("cap-9");
        Assert.Equal((OrderStatus.Paid, "cap-9"), (paid.Status, paid.PaymentReference));
    }

    [Fact]
    public async Task PayAsync_BackUnderTheHeldReference_AfterARefusedSwitchFailedToStoreItsOutcome_KeepsTheReferenceFromOtherOrders()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await StockAsync();
        var first = await PendingOrderAsync("line-a");
        var second = await PendingOrderAsync("line-b");
        var third = await PendingOrderAsync("line-c");
        await third.PayAsync("cap-7");
        await PayFailingAtTheCloseAsync(first);

        // The switch to cap-7 is stored (cap-9 as replaced), refused, and its fallback to cap-9 fails to be stored.
        cluster.Storage.FailNextWrite(first.GetGrainId(), succeeding: 1);
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => first.PayAsync("cap-7"));
        Assert.IsNotType<StoreRuleException>(failure);

        // Paid under the reference it held all along: that reference is this order's for good.
        var paid = await first.PayAsync("cap-9");
        Assert.Equal((OrderStatus.Paid, "cap-9"), (paid.Status, paid.PaymentReference));
        await StoreAssert.RefusedAsync(RuleCodes.PaymentReferenceUsed, () => second.PayAsync("cap-9"));
    }

    [Fact]
    public async Task PayAsync_RetriedWithoutAReference_AfterAPaymentFailedPastTheClaim_FreesTheReferenceNoOrderShows()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = await StockAsync();
        var first = await PendingOrderAsync("line-a");
        var second = await PendingOrderAsync("line-b");
        await PayFailingAtTheCloseAsync(first);

        var paidWithout = await first.PayAsync(null);
        var paid = await second.PayAsync("cap-9");

        Assert.Equal((OrderStatus.Paid, null), (paidWithout.Status, paidWithout.PaymentReference));
        Assert.Equal((OrderStatus.Paid, "cap-9"), (paid.Status, paid.PaymentReference));
        Assert.Equal(new StockLevel(Sku, Zone, 6, 0, 0, true), await stock.GetAsync());
    }

    /// <summary>Pays <paramref name="order"/> with "cap-9": its reference is stored and claimed, its line sold, then its paid state fails to be stored.</summary>
    private async Task PayFailingAtTheCloseAsync(IOrderGrain order)
    {
        cluster.Storage.FailNextWrite(order.GetGrainId(), succeeding: 1);
        await Assert.ThrowsAnyAsync<Exception>(() => order.PayAsync("cap-9"));
        Assert.Equal(OrderStatus.PendingPayment, (await order.GetAsync())?.Status);
    }

    private async Task<IStockGrain> StockAsync()
    {
        var stock = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, Zone)));
        await stock.AdjustAsync(ClusterFixture.SetOnHand(10));
        return stock;
    }

    /// <summary>A pending order of 2 <see cref="Sku"/>, held under <paramref name="reservationId"/>.</summary>
    private async Task<IOrderGrain> PendingOrderAsync(string reservationId)
    {
        var stock = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, Zone)));
        Assert.True((await stock.ReserveAsync(reservationId, 2, TimeSpan.FromMinutes(5))).IsHeld);
        var order = cluster.Client.GetGrain<IOrderGrain>(TenantKey.For(_tenant, Guid.NewGuid().ToString("D")));
        await order.PlaceAsync(Guid.NewGuid().ToString("D"), [new OrderLine(Sku, Zone, 2, reservationId)], "EUR", DateTimeOffset.UtcNow.AddMinutes(5));
        return order;
    }
}
