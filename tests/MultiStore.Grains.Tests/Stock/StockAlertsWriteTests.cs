using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Stock;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// The alerts grain's delivery tick interleaves with its calls, so a call can change the alerts while the tick's write
/// is in flight. Storage must get each write's state whole: the provider reads it off the grain's scheduler, once its
/// connection is open, and a state changed under it meanwhile could be stored torn or fail to serialize.
/// </summary>
public sealed class StockAlertsWriteTests(FlakyAlertsCluster cluster) : IClassFixture<FlakyAlertsCluster>
{
    private const string StateName = "alerts";
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private IStockAlertsGrain Alerts => cluster.Client.GetGrain<IStockAlertsGrain>(TenantKey.For(_tenant, IStockAlertsGrain.EntityId));

    [Fact]
    public async Task RaiseAsync_WhileADeliveryTickIsStoringItsOutcome_IsStoredByTheNextWrite_AndNeitherWriteSeesTheOthersChange()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        var grain = Alerts.GetGrainId();
        var first = new LowStockAlert("SKU-1", ClusterFixture.DefaultZone, 2, 5, cluster.Time.GetUtcNow());
        var second = first with { Sku = "SKU-2" };
        await Alerts.SetWebhookAsync("https://hooks.example.test/multistore");
        var delivery = cluster.Webhooks.HoldNext();
        await Alerts.RaiseAsync(first);

        // The tick sends the first alert and waits for the receiver, out of the grain's turn; then it stores the outcome.
        cluster.Time.Advance(new WebhookOptions().DeliveryTick);
        await delivery.Reached;
        var writes = cluster.Storage.HoldNextWrites(grain, 2);
        delivery.Release();
        await writes[0].Reached;

        // The raise runs while the tick's write is in flight (its change is listed at once) and waits for its own write.
        var raising = Alerts.RaiseAsync(second);
        await Eventually.HoldsAsync(async () => (await Alerts.ListAsync(10)).Contains(second));
        writes[0].Release();
        await writes[1].Reached;
        var tickStored = Entries(cluster.Storage.Stored<StockAlertsState>(StateName, grain));
        Assert.False(raising.IsCompleted);
        writes[1].Release();
        await raising;

        Assert.Equal([(1L, first, AlertDelivery.Delivered)], tickStored);
        Assert.Equal(
            [(1L, first, AlertDelivery.Delivered), (2L, second, AlertDelivery.Pending)],
            Entries(cluster.Storage.Stored<StockAlertsState>(StateName, grain)));
        Assert.Equal(1, cluster.Webhooks.Received);
    }

    private static List<(long Id, LowStockAlert Alert, AlertDelivery Delivery)> Entries(StockAlertsState? stored) =>
        [.. stored!.Entries.Select(entry => (entry.Id, entry.Alert, entry.Delivery))];
}
