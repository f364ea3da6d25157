using System.Globalization;
using Microsoft.Extensions.Options;
using MultiStore.Grains.Analytics;
using MultiStore.Grains.Interfaces.Analytics;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Orders;
using MultiStore.Grains.Tests.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

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

    [Fact]
    public async Task RecordAsync_FiveThousandOrdersThatStoreTheirAcknowledgments_NoWriteCarriesMoreThanTheOrdersInDoubt()
    {
        const int Orders = 5_000;
        const int AtOnce = 25;
        using var _ = ClusterFixture.ActAs(_tenant);
        var now = DateTimeOffset.UtcNow;

        // As a sale's orders report: placed, then paid, each acknowledgment stored by the order and said so.
        for (var first = 0; first < Orders; first += AtOnce)
        {
            await Task.WhenAll(Enumerable.Range(first, AtOnce).Select(async index =>
            {
                var placed = Report($"sale-{index:D5}", now);
                var paid = placed with { Status = OrderStatus.Paid, ClosedAt = now };
                await Analytics.RecordAsync(placed, acknowledged: null);
                await Analytics.RecordAsync(placed, acknowledged: OrderStatus.PendingPayment);
                await Analytics.RecordAsync(paid, acknowledged: OrderStatus.PendingPayment);
                await Analytics.RecordAsync(paid, acknowledged: OrderStatus.Paid);
            }));
        }

        // One order's worth of memory is about 100 bytes: 5,000 remembered would be about half a megabyte a write.
        var largest = cluster.Storage.LargestWrite("analytics", Analytics.GetGrainId());
        Assert.InRange(largest, 1, 8 * 1024);
        Assert.InRange(cluster.Storage.Stored<AnalyticsState>("analytics", Analytics.GetGrainId())!.Orders.Count, 0, 2 * AtOnce);

        var today = StoreAnalyticsRules.DayOf(now);
        var expected = new SalesFigures(Orders, Orders, 0, 0, Orders * 3m, Orders, 0);
        Assert.Equal(expected, (await Analytics.GetAsync(today, today, 0)).Totals);
        await cluster.DeactivateAsync(Analytics);
        Assert.Equal(expected, (await Analytics.GetAsync(today, today, 0)).Totals);
    }

    [Fact]
    public async Task Orders_OnceTheyStoredWhatWasAcknowledged_AreNotInAnalyticsWrites_AndFiguresStayExactAfterRestarts()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, Zone)));
        await stock.AdjustAsync(ClusterFixture.SetOnHand(100));
        var orders = new List<IOrderGrain>();
        for (var index = 0; index < 12; index++)
        {
            Assert.True((await stock.ReserveAsync($"line-{index}", 1, TimeSpan.FromMinutes(5))).IsHeld);
            var order = cluster.Client.GetGrain<IOrderGrain>(TenantKey.For(_tenant, Guid.NewGuid().ToString("D")));
            await order.PlaceAsync(Guid.NewGuid().ToString("D"), [new OrderLine(Sku, Zone, 1, $"line-{index}", 12m)], "EUR", DateTimeOffset.UtcNow.AddMinutes(4));
            if (index % 2 == 0)
            {
                await order.PayAsync($"pay-{index}");
            }

            orders.Add(order);
        }

        // The orders' timers store what analytics acknowledged (the open ones their placement) and then say so.
        await Eventually.HoldsAsync(() => orders.All(order => cluster.Storage.Stored<OrderState>("order", order.GetGrainId()) is { } state
            && state.StoredAcknowledgment == state.Order!.Status));
        var now = DateTimeOffset.UtcNow;
        var nudges = 0;
        var memory = await Eventually.ReadAsync(
            async () =>
            {
                // A report that counts makes a write; the orders told to forget must be gone from it.
                await Analytics.RecordAsync(Report($"nudge-{nudges++}", now), acknowledged: null);
                return cluster.Storage.Stored<AnalyticsState>("analytics", Analytics.GetGrainId())!.Orders.Keys.ToList();
            },
            keys => keys.All(key => key.StartsWith("nudge-", StringComparison.Ordinal)));
        Assert.All(memory, key => Assert.StartsWith("nudge-", key));
        // Forgotten by analytics, an open order's payment still counts once: it says its placement was counted.
        await orders[1].PayAsync("pay-late");

        await cluster.DeactivateAsync(Analytics);
        foreach (var order in orders)
        {
            await cluster.DeactivateAsync(order);
            Assert.NotNull(await order.GetAsync());
        }

        var today = StoreAnalyticsRules.DayOf(now);
        Assert.Equal(new SalesFigures(12 + nudges, 7, 0, 0, 84m, 7, 0), (await Analytics.GetAsync(today.AddDays(-1), today, 0)).Totals);
    }

    [Fact]
    public async Task StateStoredAsJsonByTheEarlierRelease_Loads_CountsEveryOrderOnce_AndLetsGoOfOrdersThatSayTheyStoredIt()
    {
        var now = DateTimeOffset.UtcNow;
        var placedAt = (now - TimeSpan.FromHours(1)).ToString("O", CultureInfo.InvariantCulture);
        // As PostgreSQL holds them today: a CountedOrder without ClosedAt, an OrderState without PlacementReported.
        var json = new SystemTextJsonGrainStorageSerializer(Options.Create(new SystemTextJsonGrainStorageSerializerOptions()));
        var old = json.Deserialize<AnalyticsState>(BinaryData.FromString(
            """{"Currency":"EUR","Days":{"DAY":{"OrdersPlaced":2,"OrdersPaid":1,"Revenue":3,"UnitsSold":1,"Skus":{"SKU":{"Units":1,"Revenue":3}}}},"Orders":{"open":{"Status":0,"PlacedAt":"PLACED"},"paid":{"Status":1,"PlacedAt":"PLACED"}}}"""
                .Replace("DAY", DayKey(StoreAnalyticsRules.DayOf(now - TimeSpan.FromHours(1))), StringComparison.Ordinal)
                .Replace("SKU", Sku, StringComparison.Ordinal)
                .Replace("PLACED", placedAt, StringComparison.Ordinal)))!;
        var order = json.Deserialize<OrderState>(BinaryData.FromString("""{"Order":null,"Reported":1}"""))!;
        Assert.Null(old.Orders["paid"].ClosedAt);
        Assert.Equal((false, OrderStatus.Paid), (order.PlacementReported, order.StoredAcknowledgment));
        cluster.Storage.Overwrite("analytics", Analytics.GetGrainId(), old);

        using var _ = ClusterFixture.ActAs(_tenant);
        var open = Report("open", now - TimeSpan.FromHours(1));
        var paid = Report("paid", now - TimeSpan.FromHours(1)) with { Status = OrderStatus.Paid, ClosedAt = now - TimeSpan.FromMinutes(59) };
        // An earlier release's orders report without acknowledgments; the memory they rely on is still there.
        await Analytics.RecordAsync(open);
        await Analytics.RecordAsync(paid);
        var expired = open with { Status = OrderStatus.Expired, ClosedAt = now };
        await Analytics.RecordAsync(expired);
        await Analytics.RecordAsync(expired);
        await Analytics.RecordAsync(expired, acknowledged: OrderStatus.Expired);
        await Analytics.RecordAsync(paid, acknowledged: OrderStatus.Paid);
        await Analytics.RecordAsync(Report("new", now), acknowledged: null);

        Assert.Equal(["new"], cluster.Storage.Stored<AnalyticsState>("analytics", Analytics.GetGrainId())!.Orders.Keys);
        await cluster.DeactivateAsync(Analytics);
        var today = StoreAnalyticsRules.DayOf(now);
        Assert.Equal(new SalesFigures(3, 1, 0, 1, 3m, 1, 1), (await Analytics.GetAsync(today.AddDays(-1), today, 0)).Totals);
    }

    private static OrderView Report(string orderId, DateTimeOffset placedAt) =>
        new(orderId, "cart", OrderStatus.PendingPayment, [new OrderLine(Sku, Zone, 1, $"{orderId}-line", 3m)], placedAt, placedAt.AddMinutes(15), null, null, "EUR");

    private static string DayKey(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
