using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Stock;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// A store keeps its newest <see cref="StockAlertsGrain.Kept"/> alerts. Past that it drops settled alerts first; one
/// still waiting for the webhook goes only when every older alert kept waits too, and the listing counts it, since the
/// receiver never got it.
/// </summary>
public sealed class AlertRetentionTests(FlakyAlertsCluster cluster) : IClassFixture<FlakyAlertsCluster>
{
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private IStockAlertsGrain Alerts => cluster.Client.GetGrain<IStockAlertsGrain>(TenantKey.For(_tenant, IStockAlertsGrain.EntityId));

    [Fact]
    public async Task RaiseAsync_PastTheKeptAlerts_DropsSettledOnesFirst_ThenCountsEachUndeliveredOneItDrops()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        // Raised with no webhook, so settled at once: nothing to deliver.
        await RaiseAsync("SETTLED", count: 2);
        // The clock stays put, so no delivery tick runs: these wait for the webhook.
        await Alerts.SetWebhookAsync($"https://hooks.example.test/{_tenant.Value}");
        await RaiseAsync("WAITING", count: StockAlertsGrain.Kept - 2);
        Assert.Equal(0, (await Alerts.PageAsync(null, 1)).DroppedUndelivered);

        await RaiseAsync("MORE", count: 2);
        var afterSettled = await Alerts.PageAsync(null, 1);
        await RaiseAsync("LAST", count: 3);
        var afterWaiting = await ListAllAsync();

        Assert.Equal(0, afterSettled.DroppedUndelivered);
        Assert.Equal(3, (await Alerts.PageAsync(null, 1)).DroppedUndelivered);
        Assert.Equal(StockAlertsGrain.Kept, afterWaiting.Count);
        Assert.DoesNotContain(afterWaiting, entry => entry.Alert.Sku.StartsWith("SETTLED", StringComparison.Ordinal));
        Assert.Equal(["WAITING-3", "WAITING-4"], afterWaiting.TakeLast(2).Reverse().Select(entry => entry.Alert.Sku));
        Assert.All(afterWaiting, entry => Assert.Equal(AlertDelivery.Pending, entry.Delivery));
    }

    private async Task RaiseAsync(string prefix, int count)
    {
        for (var index = 0; index < count; index++)
        {
            await Alerts.RaiseAsync(new LowStockAlert($"{prefix}-{index}", ClusterFixture.DefaultZone, 2, 5, cluster.Time.GetUtcNow(), Number: 1));
        }
    }

    private async Task<List<AlertEntry>> ListAllAsync()
    {
        var all = new List<AlertEntry>();
        long? before = null;
        do
        {
            var page = await Alerts.PageAsync(before, IStockAlertsGrain.MaxPage);
            all.AddRange(page.Alerts);
            before = page.NextBefore;
        }
        while (before is not null);

        return all;
    }
}
