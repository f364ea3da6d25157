using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// A webhook delivery names its alert by id, and a receiver may drop an id it has seen. So an alert is sent only once
/// storage holds it: one whose write fails is never stored, and the next activation gives its id to another alert.
/// A class of its own: the probe's failures are taken by whichever grain sends next, and a tick here moves every
/// grain's clock.
/// </summary>
public sealed class UnstoredAlertDeliveryTests(FlakyAlertsCluster cluster) : IClassFixture<FlakyAlertsCluster>
{
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private IStockAlertsGrain Alerts => cluster.Client.GetGrain<IStockAlertsGrain>(TenantKey.For(_tenant, IStockAlertsGrain.EntityId));

    [Fact]
    public async Task DeliveryTick_WhileARaisesWriteIsInFlight_SendsNotThatAlert_UntilStorageHoldsIt()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        var url = $"https://hooks.example.test/{_tenant.Value}";
        var tick = new WebhookOptions().DeliveryTick;
        var first = new LowStockAlert("SKU-1", ClusterFixture.DefaultZone, 2, 5, cluster.Time.GetUtcNow());
        var second = first with { Sku = "SKU-2" };
        await Alerts.SetWebhookAsync(url);

        // The first alert's first attempt fails, so it stays pending and the grain's timer keeps ticking.
        cluster.Webhooks.ThrowNext(new HttpRequestException("receiver down"));
        await Alerts.RaiseAsync(first);
        cluster.Time.Advance(tick);
        await Eventually.HoldsAsync(async () => (await Alerts.PageAsync(null, 10)).Alerts.Single().Attempts == 1);

        // The second alert is listed and due at once, but the write that holds it is in flight, and will fail. The
        // next tick retries the first alert; it would send the second in the same breath.
        var write = cluster.Storage.HoldNextWriteThenFail(Alerts.GetGrainId());
        var raising = Alerts.RaiseAsync(second);
        await write.Reached.WaitAsync(TimeSpan.FromSeconds(30));
        cluster.Time.Advance(tick * 2);
        await Eventually.HoldsAsync(() => cluster.Webhooks.ReceivedAt(url) >= 2);
        await Task.Delay(TimeSpan.FromMilliseconds(200));
        var sentBeforeStored = cluster.Webhooks.ReceivedAt(url);
        write.Release();
        await Record.ExceptionAsync(() => raising);

        // The entry raises it again (its raise failed): now it is stored, then sent, once.
        await Alerts.RaiseAsync(second);
        cluster.Time.Advance(tick);
        var delivered = await Eventually.ReadAsync(
            () => Alerts.PageAsync(null, 10),
            page => page.Alerts.Any(entry => entry.Alert.Sku == second.Sku && entry.Delivery == AlertDelivery.Delivered));

        Assert.Equal(2, sentBeforeStored); // the first alert, twice
        Assert.Equal(AlertDelivery.Delivered, Assert.Single(delivered.Alerts, entry => entry.Alert.Sku == second.Sku).Delivery);
        Assert.Equal(3, cluster.Webhooks.ReceivedAt(url));
    }
}
