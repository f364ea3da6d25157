using MultiStore.Grains.Analytics;
using MultiStore.Grains.Interfaces.Analytics;
using MultiStore.Grains.Interfaces.Catalog;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Analytics;

/// <summary>A store's figures are exactly what its orders say, however the orders went and however often they reported.</summary>
[Collection(ClusterCollection.Name)]
public sealed class StoreAnalyticsTests(ClusterFixture cluster)
{
    private const string LooseSku = "LOOSE-SKU";
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private ICatalogGrain Catalog => cluster.Client.GetGrain<ICatalogGrain>(TenantKey.For(_tenant, ICatalogGrain.EntityId));

    private IStoreAnalyticsGrain Analytics => cluster.Client.GetGrain<IStoreAnalyticsGrain>(TenantKey.For(_tenant, IStoreAnalyticsGrain.EntityId));

    [Fact]
    public async Task CheckoutAsync_QuotesTheCatalogPrice_AndZeroForASkuOutsideTheCatalog()
    {
        var skus = await StockedCatalogAsync();
        await cluster.StockAsync(_tenant, LooseSku, 10);

        var order = await cluster.PlaceOrderAsync(_tenant, (skus[0], 2), (LooseSku, 1));
        using (ClusterFixture.ActAs(_tenant))
        {
            await Catalog.UpdateProductAsync("tee", new ProductChange(Price: 99m));
        }

        Assert.Equal("EUR", order.Currency);
        Assert.Equal(
            new Dictionary<string, decimal> { [LooseSku] = 0m, [skus[0]] = 19.90m },
            order.Lines.ToDictionary(line => line.Sku, line => line.UnitPrice));
        Assert.Equal(39.80m, order.Total);
        using (ClusterFixture.ActAs(_tenant))
        {
            // A price change after checkout leaves the order's quote alone.
            Assert.Equal(39.80m, (await cluster.Order(_tenant, order.OrderId).PayAsync("p-1")).Total);
        }
    }

    [Fact]
    public async Task RecordAsync_SameOrderReportedAgain_CountsItOnce()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        var placed = Report("again", cluster.Now, OrderStatus.PendingPayment) with { Lines = [new OrderLine("MUG-RED", ClusterFixture.DefaultZone, 3, "again-line", 7.25m)] };
        var paid = placed with { Status = OrderStatus.Paid, ClosedAt = cluster.Now };

        // Each report again as an order whose acknowledgment got lost on the way sends it: with what it had stored.
        await Analytics.RecordAsync(placed, acknowledged: null);
        await Analytics.RecordAsync(placed, acknowledged: null);
        await Analytics.RecordAsync(paid, acknowledged: null);
        await Analytics.RecordAsync(paid, acknowledged: null);
        await Analytics.RecordAsync(paid, acknowledged: OrderStatus.PendingPayment);
        await Analytics.RecordAsync(paid with { Status = OrderStatus.Expired }, acknowledged: null);
        // Stored: analytics forgets the order, and what it says it stored counts nothing again.
        await Analytics.RecordAsync(paid, acknowledged: OrderStatus.Paid);
        await Analytics.RecordAsync(paid, acknowledged: OrderStatus.Paid);
        await Analytics.RecordAsync(placed, acknowledged: OrderStatus.PendingPayment);

        var today = DateOnly.FromDateTime(cluster.Now.UtcDateTime);
        var figures = await Analytics.GetAsync(today, today, 10);
        Assert.Equal(new SalesFigures(1, 1, 0, 0, 21.75m, 3, 0), figures.Totals);
        Assert.Equal([new SkuSales("MUG-RED", 3, 21.75m)], figures.TopSkus);
        Assert.Equal(1.0, figures.Totals.Conversion);
    }

    [Fact]
    public async Task RecordAsync_CloseOfAnOrderWhosePlacementWasStoredAndForgotten_CountsOnlyTheClose_Once()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        var placed = Report("forgotten", cluster.Now, OrderStatus.PendingPayment);
        await Analytics.RecordAsync(placed, acknowledged: null);
        await Analytics.RecordAsync(placed, acknowledged: OrderStatus.PendingPayment);
        await cluster.DeactivateAsync(Analytics);

        var expired = placed with { Status = OrderStatus.Expired, ClosedAt = cluster.Now };
        await Analytics.RecordAsync(expired, acknowledged: OrderStatus.PendingPayment);
        await cluster.DeactivateAsync(Analytics);
        // The acknowledgment of the close got lost: the order reports it again, with the placement stored.
        await Analytics.RecordAsync(expired, acknowledged: OrderStatus.PendingPayment);
        await Analytics.RecordAsync(expired, acknowledged: OrderStatus.Expired);
        await Analytics.RecordAsync(expired, acknowledged: OrderStatus.Expired);

        var figures = await Analytics.GetAsync(DayOf(cluster.Now), DayOf(cluster.Now), 0);
        Assert.Equal(new SalesFigures(1, 0, 0, 1, 0m, 0, 1), figures.Totals);
    }

    [Fact]
    public async Task RecordAsync_ALateForgetOfThePlacement_AfterTheCloseWasCounted_KeepsTheClose_SoARepeatCountsItOnce()
    {
        // The order's "I stored the placement" is delayed (rerouted, or sent by an activation that was overtaken) and
        // arrives after the close was counted, before the order stored the close: its repeat must not count again.
        using var acting = ClusterFixture.ActAs(_tenant);
        var placed = Report("late-forget", cluster.Now, OrderStatus.PendingPayment);
        var paid = placed with { Status = OrderStatus.Paid, ClosedAt = cluster.Now };
        await Analytics.RecordAsync(placed, acknowledged: null);
        await Analytics.RecordAsync(paid, acknowledged: OrderStatus.PendingPayment);
        await Analytics.RecordAsync(placed, acknowledged: OrderStatus.PendingPayment);

        // The order's silo died before it stored the close: its next activation reports the close again.
        await Analytics.RecordAsync(paid, acknowledged: OrderStatus.PendingPayment);
        await cluster.DeactivateAsync(Analytics);

        var figures = await Analytics.GetAsync(DayOf(cluster.Now), DayOf(cluster.Now), 0);
        Assert.Equal(1, figures.Totals.OrdersPlaced);
        Assert.Equal(1, figures.Totals.OrdersPaid);
    }

    [Theory]
    [InlineData(6_2030)]
    [InlineData(4_1999)]
    public async Task Analytics_AfterARandomSequenceOfPlacePayCancelExpire_EqualARecomputationFromTheOrders(int seed)
    {
        var random = new Random(seed);
        var skus = await StockedCatalogAsync();
        await cluster.StockAsync(_tenant, LooseSku, 1_000);
        skus = [.. skus, LooseSku];
        var orders = new List<string>();
        var pending = new List<string>();
        var start = cluster.Now;

        for (var step = 0; step < 70; step++)
        {
            var roll = random.Next(100);
            if (roll < 35 || pending.Count == 0)
            {
                var lines = skus.OrderBy(_ => random.Next()).Take(random.Next(1, 4)).Select(sku => (sku, random.Next(1, 5))).ToArray();
                var order = await cluster.PlaceOrderAsync(_tenant, lines);
                orders.Add(order.OrderId);
                pending.Add(order.OrderId);
                continue;
            }

            using var acting = ClusterFixture.ActAs(_tenant);
            var pick = pending[random.Next(pending.Count)];
            switch (roll)
            {
                case < 55:
                    await cluster.Order(_tenant, pick).PayAsync($"pay-{step}");
                    if (random.Next(3) == 0)
                    {
                        await cluster.Order(_tenant, pick).PayAsync($"pay-{step}");   // a retried capture
                    }

                    break;
                case < 70:
                    await cluster.Order(_tenant, pick).CancelAsync();
                    break;
                case < 80:
                    // Past the payment window: whatever is still pending expires.
                    cluster.Time.Advance(ClusterFixture.PaymentWindow + TimeSpan.FromSeconds(1));
                    break;
                case < 88:
                    cluster.Time.Advance(TimeSpan.FromHours(random.Next(1, 7)));
                    break;
                case < 94:
                    await Catalog.UpdateProductAsync(random.Next(2) == 0 ? "tee" : "mug", new ProductChange(Price: random.Next(100, 5000) / 100m));
                    break;
                default:
                    // A report arriving again, as after a crash between the analytics write and the order's answer:
                    // the order's next activation reports what it did not store as acknowledged.
                    var again = cluster.Order(_tenant, orders[random.Next(orders.Count)]);
                    await cluster.DeactivateAsync(again);
                    await again.GetAsync();
                    break;
            }

            foreach (var id in pending.ToList())
            {
                if ((await cluster.Order(_tenant, id).GetAsync())!.Status != OrderStatus.PendingPayment)
                {
                    pending.Remove(id);
                }
            }
        }

        using (ClusterFixture.ActAs(_tenant))
        {
            var final = new List<OrderView>();
            foreach (var id in orders)
            {
                final.Add((await cluster.Order(_tenant, id).GetAsync())!);
            }

            var from = DayOf(start);
            var to = DayOf(cluster.Now);
            var actual = await Analytics.GetAsync(from, to, IStoreAnalyticsGrain.MaxTopSkus);
            var expected = Recompute(final, from, to);

            Assert.Contains(final, order => order.Status == OrderStatus.Paid);
            Assert.Contains(final, order => order.Status == OrderStatus.Expired);
            Assert.Contains(final, order => order.Status == OrderStatus.Cancelled);
            Assert.Equal("EUR", actual.Currency);
            Assert.Equal(expected.Days, actual.Days);
            Assert.Equal(expected.Totals, actual.Totals);
            Assert.Equal(expected.TopSkus, actual.TopSkus);
        }
    }

    [Fact]
    public async Task RecordAsync_AfterTheReportWindow_ALateRepeatOfASettledOrderCountsNothing_AndAnOpenOrderStillCloses()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        var start = cluster.Now;
        var settled = Report("settled", start, OrderStatus.PendingPayment);
        var open = Report("open", start, OrderStatus.PendingPayment);
        await Analytics.RecordAsync(settled);
        await Analytics.RecordAsync(open);
        await Analytics.RecordAsync(settled with { Status = OrderStatus.Paid, ClosedAt = start.AddMinutes(1) });

        // Past the window (and the hourly prune), a new order's write makes analytics forget the settled order.
        cluster.Time.Advance(StoreAnalyticsRules.ReportWindow + TimeSpan.FromHours(2));
        await Analytics.RecordAsync(Report("later", cluster.Now, OrderStatus.PendingPayment));
        await Analytics.RecordAsync(settled with { Status = OrderStatus.Paid, ClosedAt = start.AddMinutes(1) });
        await Analytics.RecordAsync(settled);
        await Analytics.RecordAsync(open with { Status = OrderStatus.Cancelled, ClosedAt = cluster.Now });

        var figures = await Analytics.GetAsync(DayOf(start), DayOf(cluster.Now), 0);
        Assert.Equal(new SalesFigures(3, 1, 1, 0, 4m, 1, 0), figures.Totals);
    }

    [Fact]
    public async Task GetAsync_RangeBackwardsOrTooLong_IsRefused()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        var today = DateOnly.FromDateTime(cluster.Now.UtcDateTime);

        await StoreAssert.RefusedAsync("invalid-quantity", () => Analytics.GetAsync(today, today.AddDays(-1), 10));
        await StoreAssert.RefusedAsync("invalid-quantity", () => Analytics.GetAsync(today.AddDays(-IStoreAnalyticsGrain.MaxDays), today, 10));
        Assert.Equal(IStoreAnalyticsGrain.MaxDays, (await Analytics.GetAsync(today.AddDays(1 - IStoreAnalyticsGrain.MaxDays), today, 0)).Days.Count);
    }

    [Fact]
    public async Task GetAsync_FromAnotherStore_IsRefused()
    {
        using var acting = ClusterFixture.ActAs(ClusterFixture.NewTenant());
        var today = DateOnly.FromDateTime(cluster.Now.UtcDateTime);

        await Assert.ThrowsAsync<TenantIsolationException>(() => Analytics.GetAsync(today, today, 10));
        await Assert.ThrowsAsync<TenantIsolationException>(() => Analytics.RecordAsync(new OrderView(Guid.NewGuid().ToString("D"), "c", OrderStatus.Paid, [], cluster.Now, cluster.Now, cluster.Now, null, "EUR")));
        await Assert.ThrowsAsync<TenantIsolationException>(() => Analytics.RecordAsync(new OrderView(Guid.NewGuid().ToString("D"), "c", OrderStatus.Paid, [], cluster.Now, cluster.Now, cluster.Now, null, "EUR"), OrderStatus.PendingPayment));
    }

    /// <summary>What the figures must be, worked out from the orders alone.</summary>
    private static StoreAnalytics Recompute(IReadOnlyList<OrderView> orders, DateOnly from, DateOnly to)
    {
        var days = new Dictionary<DateOnly, SalesFigures>();
        void Add(DateTimeOffset at, SalesFigures figures) =>
            days[DayOf(at)] = (days.GetValueOrDefault(DayOf(at)) ?? SalesFigures.Zero).Plus(figures);

        foreach (var order in orders)
        {
            Add(order.CreatedAt, SalesFigures.Zero with { OrdersPlaced = 1 });
            var units = order.Lines.Sum(line => line.Quantity);
            switch (order.Status)
            {
                case OrderStatus.Paid:
                    Add(order.ClosedAt!.Value, SalesFigures.Zero with { OrdersPaid = 1, Revenue = order.Lines.Sum(line => line.UnitPrice * line.Quantity), UnitsSold = units });
                    break;
                case OrderStatus.Cancelled:
                    Add(order.ClosedAt!.Value, SalesFigures.Zero with { OrdersCancelled = 1 });
                    break;
                case OrderStatus.Expired:
                    Add(order.ClosedAt!.Value, SalesFigures.Zero with { OrdersExpired = 1, UnitsExpired = units });
                    break;
            }
        }

        var range = Enumerable.Range(0, to.DayNumber - from.DayNumber + 1).Select(offset => from.AddDays(offset)).ToList();
        var top = orders
            .Where(order => order.Status == OrderStatus.Paid)
            .SelectMany(order => order.Lines)
            .GroupBy(line => line.Sku)
            .Select(sku => new SkuSales(sku.Key, sku.Sum(line => line.Quantity), sku.Sum(line => line.UnitPrice * line.Quantity)))
            .OrderByDescending(sku => sku.Units).ThenByDescending(sku => sku.Revenue).ThenBy(sku => sku.Sku, StringComparer.Ordinal);
        return new StoreAnalytics(
            "EUR",
            from,
            to,
            range.Aggregate(SalesFigures.Zero, (sum, day) => sum.Plus(days.GetValueOrDefault(day) ?? SalesFigures.Zero)),
            [.. range.Select(day => new DaySales(day, days.GetValueOrDefault(day) ?? SalesFigures.Zero))],
            [.. top]);
    }

    private static DateOnly DayOf(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    private static OrderView Report(string orderId, DateTimeOffset placedAt, OrderStatus status) =>
        new(orderId, "cart", status, [new OrderLine(LooseSku, ClusterFixture.DefaultZone, 1, $"{orderId}-line", 4m)], placedAt, placedAt.AddMinutes(10), null, null, "EUR");

    /// <summary>A catalog in EUR with a plain tee (19.90) and a mug in two colours (7.25), 1,000 units of each SKU.</summary>
    private async Task<List<string>> StockedCatalogAsync()
    {
        List<string> skus;
        using (ClusterFixture.ActAs(_tenant))
        {
            await Catalog.ConfigureAsync(null, "EUR");
            var tee = await Catalog.CreateProductAsync(new ProductDraft("tee", "Tee", "Apparel", 19.90m, []));
            var mug = await Catalog.CreateProductAsync(new ProductDraft(
                "mug", "Mug", "Kitchen", 7.25m, [new Dictionary<string, string> { ["color"] = "Red" }, new Dictionary<string, string> { ["color"] = "Blue" }]));
            skus = [.. tee.Variants.Concat(mug.Variants).Select(variant => variant.Sku)];
        }

        foreach (var sku in skus)
        {
            await cluster.StockAsync(_tenant, sku, 1_000);
        }

        return skus;
    }
}
