using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// The alerts grain's durable reminder wakes it for deliveries, and a reminder tick is a turn no call interleaves with:
/// the deliveries it starts must not hold up the stock entries raising alerts meanwhile.
/// </summary>
public sealed class AlertReminderDeliveryTests(FlakyAlertsCluster cluster) : IClassFixture<FlakyAlertsCluster>
{
    private const string ReminderName = "webhook-delivery";
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private IStockAlertsGrain Alerts => cluster.Client.GetGrain<IStockAlertsGrain>(TenantKey.For(_tenant, IStockAlertsGrain.EntityId));

    [Fact]
    public async Task RaiseAsync_WhileADeliveryTheReminderStartedWaitsForTheReceiver_CompletesAtOnce()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        var first = new LowStockAlert("SKU-1", ClusterFixture.DefaultZone, 2, 5, cluster.Time.GetUtcNow(), Number: 1);
        await Alerts.SetWebhookAsync("https://hooks.example.test/multistore");
        var delivery = cluster.Webhooks.HoldNext();
        await Alerts.RaiseAsync(first);

        // The clock stays put, so the grain's own timer does not tick: the delivery is the reminder's.
        var remindable = cluster.Client.GetGrain<IRemindable>(Alerts.GetGrainId());
        var tick = remindable.ReceiveReminder(ReminderName, new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow));
        await delivery.Reached.WaitAsync(TimeSpan.FromSeconds(10));

        var raising = Alerts.RaiseAsync(first with { Sku = "SKU-2" });
        var raisedMeanwhile = await Task.WhenAny(raising, Task.Delay(TimeSpan.FromSeconds(5))) == raising;
        delivery.Release();
        await Task.WhenAll(tick, raising);

        Assert.True(raisedMeanwhile, "The raise waited for the reminder's delivery.");
        var delivered = await Eventually.ReadAsync(
            () => Alerts.PageAsync(null, 10),
            page => page.Alerts.Any(entry => entry.Delivery == AlertDelivery.Delivered));
        Assert.Equal(
            [("SKU-2", AlertDelivery.Pending), ("SKU-1", AlertDelivery.Delivered)],
            delivered.Alerts.Select(entry => (entry.Alert.Sku, entry.Delivery)));
        Assert.Equal(1, cluster.Webhooks.Received);
    }
}
