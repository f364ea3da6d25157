using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>The alerts grain's webhook settings and delivery bookkeeping (the HTTP side is in the Api tests).</summary>
[Collection(ClusterCollection.Name)]
public sealed class AlertDeliveryTests(ClusterFixture cluster)
{
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private IStockAlertsGrain Alerts => cluster.Client.GetGrain<IStockAlertsGrain>(TenantKey.For(_tenant, IStockAlertsGrain.EntityId));

    [Fact]
    public async Task SetWebhookAsync_LoopbackUrl_IsRefusedByDefault()
    {
        using var acting = ClusterFixture.ActAs(_tenant);

        await StoreAssert.RefusedAsync(RuleCodes.InvalidWebhook, () => Alerts.SetWebhookAsync("http://127.0.0.1:9/hook"));

        Assert.Null(await Alerts.GetWebhookAsync());
    }

    [Fact]
    public async Task RaiseAsync_WithWebhook_QueuesDelivery_AndRemovingTheWebhookFailsIt()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        var webhook = await Alerts.SetWebhookAsync("https://hooks.example.test/multistore");
        var again = await Alerts.SetWebhookAsync("https://hooks.example.test/multistore");

        await Alerts.RaiseAsync(new LowStockAlert("SKU-1", ClusterFixture.DefaultZone, 2, 5, cluster.Now));
        var queued = Assert.Single((await Eventually.ReadAsync(() => Alerts.PageAsync(null, 10), page => page.Alerts.Count > 0)).Alerts);
        await Alerts.RemoveWebhookAsync();
        var failed = Assert.Single((await Alerts.PageAsync(null, 10)).Alerts);

        Assert.Matches("^whsec_[0-9a-f]{64}$", webhook.Secret);
        Assert.NotEqual(webhook.Secret, again.Secret);
        Assert.Equal((1L, AlertDelivery.Pending, 0, cluster.Now), (queued.Id, queued.Delivery, queued.Attempts, queued.NextAttemptAt));
        Assert.Equal((AlertDelivery.Failed, "webhook removed"), (failed.Delivery, failed.LastError));
    }

    [Fact]
    public async Task PageAsync_PagesNewestFirst_AndListKeepsTheMostRecent()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        for (var index = 1; index <= 5; index++)
        {
            await Alerts.RaiseAsync(new LowStockAlert($"SKU-{index}", ClusterFixture.DefaultZone, 0, 1, cluster.Now));
        }

        var first = await Eventually.ReadAsync(() => Alerts.PageAsync(null, 2), page => page.Alerts.Count == 2 && page.Alerts[0].Id == 5);
        var second = await Alerts.PageAsync(first.NextBefore, 2);
        var last = await Alerts.PageAsync(second.NextBefore, 2);

        Assert.Equal([5L, 4L], first.Alerts.Select(entry => entry.Id));
        Assert.Equal([3L, 2L], second.Alerts.Select(entry => entry.Id));
        Assert.Equal([1L], last.Alerts.Select(entry => entry.Id));
        Assert.Null(last.NextBefore);
        Assert.All(first.Alerts, entry => Assert.Equal(AlertDelivery.None, entry.Delivery));
        await StoreAssert.RefusedAsync(RuleCodes.InvalidQuantity, () => Alerts.PageAsync(null, 0));
    }
}
