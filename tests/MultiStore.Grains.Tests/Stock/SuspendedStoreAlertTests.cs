using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// A suspended store sends nothing out: its alerts are still recorded, but their webhook deliveries wait, neither sent
/// nor counted as attempts, and go once the platform resumes the store.
/// </summary>
public sealed class SuspendedStoreAlertTests(FlakyAlertsCluster cluster) : IClassFixture<FlakyAlertsCluster>
{
    private const string ReminderName = "webhook-delivery";
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    // Per store: the tests of this class share one probe.
    private string WebhookUrl => $"https://hooks.example.test/{_tenant.Value}";

    private IStockAlertsGrain Alerts => cluster.Client.GetGrain<IStockAlertsGrain>(TenantKey.For(_tenant, IStockAlertsGrain.EntityId));

    private ITenantDirectoryGrain Directory => cluster.Client.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key);

    [Fact]
    public async Task DeliveryTicks_WhileTheStoreIsSuspended_HoldItsAlerts_AndResumingSendsThemOnce()
    {
        using (ClusterFixture.ActAsPlatform())
        {
            await Directory.CreateAsync(new TenantSpec(_tenant.Value, "Suspended shop", [$"{_tenant.Value}.example.test"], "{}"));
            await Directory.SetStatusAsync(_tenant.Value, TenantStatus.Suspended);
        }

        using var acting = ClusterFixture.ActAs(_tenant);
        await Alerts.SetWebhookAsync(WebhookUrl);
        await Alerts.RaiseAsync(new LowStockAlert("SKU-1", ClusterFixture.DefaultZone, 2, 5, cluster.Time.GetUtcNow(), Number: 1));

        // Both ways a delivery starts get their chance: the reminder's sweep, and the grain's timer (ticking on real
        // time) for a few ticks, while the clock is past any backoff. There is no event for "held", so a bounded wait.
        cluster.Time.Advance(TimeSpan.FromHours(1));
        await ReminderTickAsync();
        await Task.Delay(new WebhookOptions().DeliveryTick * 3);
        var held = Assert.Single((await Alerts.PageAsync(null, 10)).Alerts);
        var sentWhileSuspended = cluster.Webhooks.ReceivedAt(WebhookUrl);

        using (ClusterFixture.ActAsPlatform())
        {
            await Directory.SetStatusAsync(_tenant.Value, TenantStatus.Active);
        }

        await ReminderTickAsync();
        var delivered = await Eventually.ReadAsync(() => Alerts.PageAsync(null, 10), page => page.Alerts.Single().Delivery != AlertDelivery.Pending);

        Assert.Equal(0, sentWhileSuspended);
        Assert.Equal((AlertDelivery.Pending, 0, (string?)null), (held.Delivery, held.Attempts, held.LastError));
        Assert.Equal((AlertDelivery.Delivered, 1), (delivered.Alerts.Single().Delivery, delivered.Alerts.Single().Attempts));
        Assert.Equal(1, cluster.Webhooks.ReceivedAt(WebhookUrl));
    }

    private Task ReminderTickAsync() =>
        cluster.Client.GetGrain<IRemindable>(Alerts.GetGrainId())
            .ReceiveReminder(ReminderName, new TickStatus(DateTime.UtcNow, TimeSpan.FromMinutes(1), DateTime.UtcNow));
}
