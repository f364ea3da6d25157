using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Orders;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Orders;

/// <summary>An order whose expiry, run by its own timer, failed to be stored.</summary>
public sealed class OrderExpiryFailureTests(FlakyStorageCluster cluster) : IClassFixture<FlakyStorageCluster>
{
    private const string Sku = "LAMP-GLD";
    private const string OtherSku = "LAMP-SLV";
    private const string Zone = ClusterFixture.DefaultZone;

    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    [Fact]
    public async Task ExpiryTimer_WhoseWriteFailed_LeavesNoActivationAheadOfStorage_AndTheOrderExpiresInStorage()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, Zone)));
        await stock.AdjustAsync(ClusterFixture.SetOnHand(5));
        Assert.True((await stock.ReserveAsync("order-line-1", 2, TimeSpan.FromMinutes(5))).IsHeld);
        var orderId = Guid.NewGuid().ToString("D");
        var order = cluster.Client.GetGrain<IOrderGrain>(TenantKey.For(_tenant, orderId));
        await order.PlaceAsync(Guid.NewGuid().ToString("D"), [new OrderLine(Sku, Zone, 2, "order-line-1")], "EUR", DateTimeOffset.UtcNow.AddSeconds(1));

        // The timer's sweep fences the order (its first write), releases the stock, then fails to store the order as
        // expired: memory now says expired, storage pending.
        cluster.Storage.FailNextWrite(order.GetGrainId(), succeeding: 1);
        await Eventually.ReadAsync(() => stock.GetAsync(), level => level.Reserved == 0);
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(OrderStatus.PendingPayment, cluster.Storage.Stored<OrderState>("order", order.GetGrainId())?.Order?.Status);

        // Only a fresh activation, starting from the stored pending order, expires it again and stores that. An
        // activation kept after the failure answers "expired" from memory for ever, while storage says "pending".
        // (Orleans passes timer ticks through the incoming call filters, so DeactivateOnFailureCallFilter ends it.)
        var stored = await Eventually.ReadAsync(
            async () =>
            {
                await order.GetAsync();
                return cluster.Storage.Stored<OrderState>("order", order.GetGrainId())?.Order?.Status;
            },
            status => status == OrderStatus.Expired);

        Assert.Equal(OrderStatus.Expired, stored);
        Assert.Equal(new StockLevel(Sku, Zone, 5, 0, 0, true), await stock.GetAsync());
    }

    [Fact]
    public async Task Expiry_ByAnActivationThatMissedThePayment_GivesNoSoldUnitBack()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(OtherSku, Zone)));
        await stock.AdjustAsync(ClusterFixture.SetOnHand(5));
        Assert.True((await stock.ReserveAsync("order-line-2", 2, TimeSpan.FromMinutes(5))).IsHeld);
        var order = cluster.Client.GetGrain<IOrderGrain>(TenantKey.For(_tenant, Guid.NewGuid().ToString("D")));
        await order.PlaceAsync(Guid.NewGuid().ToString("D"), [new OrderLine(OtherSku, Zone, 2, "order-line-2")], "EUR", DateTimeOffset.UtcNow.AddSeconds(1));

        // A duplicate activation took the payment: it sold the line and stored the order paid. The live activation
        // still holds the order as pending, and its timer reaches the deadline.
        Assert.Equal(ReservationStatus.Confirmed, (await stock.ConfirmAsync("order-line-2")).Status);
        var paid = cluster.Storage.Stored<OrderState>("order", order.GetGrainId())!;
        paid.Order = paid.Order! with { Status = OrderStatus.Paid, ClosedAt = DateTimeOffset.UtcNow, PaymentReference = "pay-elsewhere" };
        cluster.Storage.Overwrite("order", order.GetGrainId(), paid);
        await Task.Delay(TimeSpan.FromSeconds(3));

        var answered = await Eventually.ReadAsync(
            async () =>
            {
                try
                {
                    return (await order.GetAsync())?.Status;
                }
                catch (Exception)
                {
                    // The stale activation's own call meeting the fence; the next goes to a fresh one.
                    return null;
                }
            },
            status => status is not null);

        Assert.Equal(OrderStatus.Paid, answered);
        Assert.Equal(new StockLevel(OtherSku, Zone, 3, 0, 0, true), await stock.GetAsync());
    }
}
