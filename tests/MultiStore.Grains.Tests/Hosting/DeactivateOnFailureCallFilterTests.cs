using MultiStore.Grains.Interfaces.Carts;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Orders;
using MultiStore.Grains.Platform;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// A write that fails leaves no change behind in memory: a retry of the call does the work again against what storage
/// holds, instead of finding it done in memory and acknowledging a change that was never stored.
/// </summary>
public sealed class DeactivateOnFailureCallFilterTests(FlakyStorageCluster cluster) : IClassFixture<FlakyStorageCluster>
{
    private const string Sku = "MUG-BLUE";

    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    [Fact]
    public async Task PayAsync_WhoseWriteFailed_IsNotPaidInMemory_AndItsRetryPaysForReal()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);
        var grain = cluster.Client.GetGrain<IOrderGrain>(TenantKey.For(_tenant, order.OrderId));
        cluster.Storage.FailNextWrite(grain.GetGrainId());

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => grain.PayAsync("pay-1"));
        Assert.Contains("Injected storage failure", failure.ToString(), StringComparison.Ordinal);

        Assert.Equal(OrderStatus.PendingPayment, (await grain.GetAsync())?.Status);
        Assert.Equal(OrderStatus.Paid, (await grain.PayAsync("pay-1")).Status);
        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 7, 0, 0, true), await Stock().GetAsync());
        Assert.Equal(OrderStatus.Paid, cluster.Storage.Stored<OrderState>("order", grain.GetGrainId())?.Order?.Status);
    }

    [Fact]
    public async Task ACallQueuedBehindAFailedWrite_IsAnsweredByAFreshActivation_NotWithTheFailure()
    {
        var order = await PendingOrderAsync();
        using var _ = ClusterFixture.ActAs(_tenant);
        var grain = cluster.Client.GetGrain<IOrderGrain>(TenantKey.For(_tenant, order.OrderId));
        var held = cluster.Storage.HoldNextWriteThenFail(grain.GetGrainId());

        var payment = grain.PayAsync("pay-1");
        await held.Reached.WaitAsync(TimeSpan.FromSeconds(10));
        var read = grain.GetAsync();
        // Long enough for the read to reach the silo and queue behind the payment, which holds the grain.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        held.Release();

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => payment);
        Assert.Contains("Injected storage failure", failure.ToString(), StringComparison.Ordinal);
        Assert.Equal(OrderStatus.PendingPayment, (await read)?.Status);
    }

    [Fact]
    public async Task SetStatusAsync_WhoseWriteFailed_LeavesTheStoreActive_AndItsRetrySuspendsItForReal()
    {
        using var _ = ClusterFixture.ActAsPlatform();
        await cluster.Client.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key)
            .CreateAsync(new TenantSpec(_tenant.Value, "Flaky store", [$"{_tenant.Value}.flaky.test"], "{}"));
        var store = cluster.Client.GetGrain<ITenantGrain>(TenantKey.For(_tenant, ITenantGrain.EntityId));
        cluster.Storage.FailNextWrite(store.GetGrainId());

        await Assert.ThrowsAnyAsync<Exception>(() => store.SetStatusAsync(TenantStatus.Suspended));

        Assert.Equal(TenantStatus.Active, (await store.GetAsync())?.Status);
        Assert.Equal(TenantStatus.Suspended, (await store.SetStatusAsync(TenantStatus.Suspended)).Status);
        Assert.Equal(TenantStatus.Suspended, cluster.Storage.Stored<TenantState>("tenant", store.GetGrainId())?.Profile?.Status);
    }

    [Fact]
    public async Task RaiseAsync_WhoseWriteFailed_LeavesNoAlertBehind_AndItsRetryStoresIt()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var alerts = cluster.Client.GetGrain<IStockAlertsGrain>(TenantKey.For(_tenant, IStockAlertsGrain.EntityId));
        var alert = new LowStockAlert(Sku, ClusterFixture.DefaultZone, 1, 3, DateTimeOffset.UnixEpoch);
        cluster.Storage.FailNextWrite(alerts.GetGrainId());

        await Assert.ThrowsAnyAsync<Exception>(() => alerts.RaiseAsync(alert));

        Assert.Empty((await alerts.PageAsync(null, 10)).Alerts);
        await alerts.RaiseAsync(alert);
        Assert.Equal(alert, Assert.Single((await alerts.PageAsync(null, 10)).Alerts).Alert);
    }

    private IStockGrain Stock() => cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, ClusterFixture.DefaultZone)));

    private async Task<OrderView> PendingOrderAsync()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await Stock().AdjustAsync(ClusterFixture.SetOnHand(10));
        var cart = cluster.Client.GetGrain<ICartGrain>(TenantKey.For(_tenant, Guid.NewGuid().ToString("D")));
        Assert.True((await cart.SetItemAsync(Sku, ClusterFixture.DefaultZone, 3)).Succeeded);
        var checkout = await cart.CheckoutAsync();
        return checkout.Order ?? throw new InvalidOperationException($"Checkout fell short: {checkout.Shortage}");
    }
}
