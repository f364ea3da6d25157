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

    // Per store: the tests of this class share one probe, and a delivery a test left pending may still go out.
    private string WebhookUrl => $"https://hooks.example.test/{_tenant.Value}";

    private IStockAlertsGrain Alerts => cluster.Client.GetGrain<IStockAlertsGrain>(TenantKey.For(_tenant, IStockAlertsGrain.EntityId));

    [Fact]
    public async Task RaiseAsync_WhileADeliveryTheReminderStartedWaitsForTheReceiver_CompletesAtOnce()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        var first = new LowStockAlert("SKU-1", ClusterFixture.DefaultZone, 2, 5, cluster.Time.GetUtcNow(), Number: 1);
        await Alerts.SetWebhookAsync(WebhookUrl);
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
        Assert.Equal(1, cluster.Webhooks.ReceivedAt(WebhookUrl));
    }

    [Fact]
    public async Task RaiseAsync_WhileTheSweepUnregistersTheReminder_LeavesTheNewDeliveryWithAReminder()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        var first = new LowStockAlert("SKU-1", ClusterFixture.DefaultZone, 2, 5, cluster.Time.GetUtcNow(), Number: 1);
        await Alerts.SetWebhookAsync(WebhookUrl);
        await Alerts.RaiseAsync(first);
        var grain = Alerts.GetGrainId();
        Assert.True(cluster.Reminders.Has(grain, ReminderName));
        var removalsBefore = cluster.Reminders.RemovalsAnswered;

        // The reminder's tick hands the delivery to a sweep; once it is delivered nothing is pending, and the sweep
        // unregisters the reminder, which the table holds here.
        var removal = cluster.Reminders.HoldNextRemoval();
        var remindable = cluster.Client.GetGrain<IRemindable>(grain);
        await remindable.ReceiveReminder(ReminderName, new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow));
        await removal.Reached.WaitAsync(TimeSpan.FromSeconds(10));

        // A raise interleaves with the sweep and leaves a pending delivery behind.
        var raising = Alerts.RaiseAsync(first with { Sku = "SKU-2" });
        removal.Release();
        await raising;
        await Eventually.HoldsAsync(() => cluster.Reminders.RemovalsAnswered > removalsBefore);

        Assert.True(cluster.Reminders.Has(grain, ReminderName), "A pending delivery was left without a reminder.");
        var page = await Alerts.PageAsync(null, 10);
        Assert.Equal(
            [("SKU-2", AlertDelivery.Pending), ("SKU-1", AlertDelivery.Delivered)],
            page.Alerts.Select(entry => (entry.Alert.Sku, entry.Delivery)));
    }

    [Fact]
    public async Task ADeliveryThatFailsUnexpectedly_IsRecordedAsAFailedAttempt_AndTheAlertStaysDue()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        await Alerts.SetWebhookAsync(WebhookUrl);
        await Alerts.RaiseAsync(new LowStockAlert("SKU-1", ClusterFixture.DefaultZone, 2, 5, cluster.Time.GetUtcNow(), Number: 1));
        cluster.Webhooks.ThrowNext(new InvalidOperationException("a handler that breaks"));

        var remindable = cluster.Client.GetGrain<IRemindable>(Alerts.GetGrainId());
        await remindable.ReceiveReminder(ReminderName, new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow));
        var attempted = await Eventually.ReadAsync(() => Alerts.PageAsync(null, 10), page => page.Alerts.Single().Attempts > 0);

        var alert = Assert.Single(attempted.Alerts);
        Assert.Equal((AlertDelivery.Pending, 1), (alert.Delivery, alert.Attempts));
        Assert.Equal("not sent: InvalidOperationException", alert.LastError);
        Assert.NotNull(alert.NextAttemptAt);
    }
}
