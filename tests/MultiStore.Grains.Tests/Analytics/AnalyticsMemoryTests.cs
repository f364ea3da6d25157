using System.Globalization;
using MultiStore.Grains.Analytics;
using MultiStore.Grains.Interfaces.Analytics;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Orders;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Analytics;

/// <summary>What a store's analytics and its orders store about reporting, read straight from storage.</summary>
public sealed class AnalyticsMemoryTests(FlakyStorageCluster cluster) : IClassFixture<FlakyStorageCluster>
{
    private const string Sku = "KITE-RED";
    private const string Zone = ClusterFixture.DefaultZone;

    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private IStoreAnalyticsGrain Analytics => cluster.Client.GetGrain<IStoreAnalyticsGrain>(TenantKey.For(_tenant, IStoreAnalyticsGrain.EntityId));

    [Fact]
    public async Task SettledOrder_OnceItsAcknowledgedCloseIsStored_DoesNotReportAgainWhenReactivated()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, Zone)));
        await stock.AdjustAsync(ClusterFixture.SetOnHand(5));
        Assert.True((await stock.ReserveAsync("kite-line", 1, TimeSpan.FromMinutes(5))).IsHeld);
        var order = cluster.Client.GetGrain<IOrderGrain>(TenantKey.For(_tenant, Guid.NewGuid().ToString("D")));
        await order.PlaceAsync(Guid.NewGuid().ToString("D"), [new OrderLine(Sku, Zone, 1, "kite-line", 12m)], "EUR", DateTimeOffset.UtcNow.AddMinutes(4));
        await order.PayAsync("pay-kite");

        // The order's timer stores the status analytics acknowledged, a tick after the payment was answered.
        var stored = await Eventually.ReadAsync(
            () => Task.FromResult(cluster.Storage.Stored<OrderState>("order", order.GetGrainId())?.Reported),
            reported => reported == OrderStatus.Paid);
        Assert.Equal(OrderStatus.Paid, stored);

        // Analytics starts again from nothing, as if it had forgotten the order: a report of it would now count.
        await cluster.DeactivateAsync(Analytics);
        cluster.Storage.Overwrite("analytics", Analytics.GetGrainId(), new AnalyticsState());
        await cluster.DeactivateAsync(order);

        Assert.Equal(OrderStatus.Paid, (await order.GetAsync())?.Status);
        var today = StoreAnalyticsRules.DayOf(DateTimeOffset.UtcNow);
        Assert.Equal(SalesFigures.Zero, (await Analytics.GetAsync(today.AddDays(-1), today, 0)).Totals);
    }

    [Fact]
    public async Task StateStoredWithAMonthOfOrders_ShrinksOnItsNextWrite_ToOpenAndRecentOrdersAndTheKeptDays()
    {
        var now = DateTimeOffset.UtcNow;
        var today = StoreAnalyticsRules.DayOf(now);
        var old = new AnalyticsState { Currency = "EUR" };
        // An hour's order for 30 days, as the former 30-day memory kept them, and one order still open for two days.
        for (var hour = 0; hour < 30 * 24; hour++)
        {
            old.Orders[$"paid-{hour}"] = new CountedOrder(OrderStatus.Paid, now - TimeSpan.FromHours(hour + 0.5));
        }

        old.Orders["open"] = new CountedOrder(OrderStatus.PendingPayment, now - TimeSpan.FromDays(2));
        old.Days[DayKey(today)] = new AnalyticsDay { OrdersPlaced = 24, OrdersPaid = 24 };
        old.Days[DayKey(today.AddYears(-3))] = new AnalyticsDay { OrdersPlaced = 7 };
        cluster.Storage.Overwrite("analytics", Analytics.GetGrainId(), old);

        using var _ = ClusterFixture.ActAs(_tenant);
        await Analytics.RecordAsync(new OrderView("new", "cart", OrderStatus.PendingPayment, [new OrderLine(Sku, Zone, 1, "r", 3m)], now, now.AddMinutes(15), null, null, "EUR"));

        var stored = cluster.Storage.Stored<AnalyticsState>("analytics", Analytics.GetGrainId())!;
        var recent = Enumerable.Range(0, (int)StoreAnalyticsRules.ReportWindow.TotalHours).Select(hour => $"paid-{hour}");
        Assert.Equal(recent.Append("new").Append("open").Order(StringComparer.Ordinal), stored.Orders.Keys.Order(StringComparer.Ordinal));
        Assert.Equal([DayKey(today)], stored.Days.Keys);
        Assert.Equal(25, (await Analytics.GetAsync(today, today, 0)).Totals.OrdersPlaced);
    }

    private static string DayKey(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
