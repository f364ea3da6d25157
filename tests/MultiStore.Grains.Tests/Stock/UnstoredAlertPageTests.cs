using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// The admin list (<c>GET /admin/alerts</c>) reads between writes. An alert whose write is still in flight may never be
/// stored (the write fails, the activation ends), and the next activation then gives its id to another alert: an
/// admin who saw it would find the same id naming another SKU, and one who noted it would look for an alert that
/// never was. So the list shows only what storage holds.
/// </summary>
public sealed class UnstoredAlertPageTests(FlakyAlertsCluster cluster) : IClassFixture<FlakyAlertsCluster>
{
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private IStockAlertsGrain Alerts => cluster.Client.GetGrain<IStockAlertsGrain>(TenantKey.For(_tenant, IStockAlertsGrain.EntityId));

    [Fact]
    public async Task PageAsync_WhileARaisesWriteIsInFlight_ListsOnlyStoredAlerts_AndTheIdNeverNamesTwoAlerts()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        var stored = new LowStockAlert("SKU-1", ClusterFixture.DefaultZone, 2, 5, cluster.Time.GetUtcNow());
        var unstored = stored with { Sku = "SKU-2" };
        var later = stored with { Sku = "SKU-3" };
        await Alerts.RaiseAsync(stored);

        var write = cluster.Storage.HoldNextWriteThenFail(Alerts.GetGrainId());
        var raising = Alerts.RaiseAsync(unstored);
        await write.Reached.WaitAsync(TimeSpan.FromSeconds(30));
        var whileInFlight = await Alerts.PageAsync(null, 10);
        write.Release();
        await Record.ExceptionAsync(() => raising);

        // The next activation numbers the next alert where storage left off.
        await Alerts.RaiseAsync(later);
        var after = await Alerts.PageAsync(null, 10);

        Assert.Equal([(1L, "SKU-1")], whileInFlight.Alerts.Select(entry => (entry.Id, entry.Alert.Sku)));
        Assert.Null(whileInFlight.NextBefore);
        Assert.Equal([(2L, "SKU-3"), (1L, "SKU-1")], after.Alerts.Select(entry => (entry.Id, entry.Alert.Sku)));
    }
}
