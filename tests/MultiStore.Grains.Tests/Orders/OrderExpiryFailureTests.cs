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

        // The timer's sweep releases the stock, then fails to store the order as expired.
        cluster.Storage.FailNextWrite(order.GetGrainId());
        await Eventually.ReadAsync(() => stock.GetAsync(), level => level.Reserved == 0);

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
}
