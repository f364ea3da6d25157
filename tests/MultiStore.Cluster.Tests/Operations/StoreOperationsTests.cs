using System.Net;
using System.Security.Cryptography;
using System.Text;
using MultiStore.Cluster.Tests.Hosting;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Analytics;
using MultiStore.Grains.Interfaces.Carts;
using MultiStore.Grains.Interfaces.Catalog;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Interfaces.Warehouse;
using Xunit.Abstractions;

namespace MultiStore.Cluster.Tests.Operations;

/// <summary>
/// The store-operations flows of issue 6 on the durable wiring (<c>UseDurableStorage</c>, PostgreSQL): onboarding,
/// catalog and import, priced orders and analytics, low-stock alerts with a signed webhook. Everything acknowledged
/// before a full cluster restart reads back the same after it, and the flows carry on where they stopped.
/// </summary>
public sealed class StoreOperationsTests(ITestOutputHelper output)
{
    private static readonly IReadOnlyDictionary<string, string?> Configuration = new Dictionary<string, string?>
    {
        [$"{WebhookOptions.SectionName}:{nameof(WebhookOptions.AllowPrivateNetworks)}"] = "true",
        [$"{WebhookOptions.SectionName}:{nameof(WebhookOptions.InitialBackoff)}"] = "00:00:00.100",
        [$"{WebhookOptions.SectionName}:{nameof(WebhookOptions.MaxBackoff)}"] = "00:00:00.400",
        [$"{WebhookOptions.SectionName}:{nameof(WebhookOptions.DeliveryTick)}"] = "00:00:00.050",
        // Enough attempts that a delivery is still pending after the cluster took seconds to stop and start again.
        [$"{WebhookOptions.SectionName}:{nameof(WebhookOptions.MaxAttempts)}"] = "50",
    };

    [Fact]
    public async Task OnboardingCatalogImportOrdersAnalyticsAndAlerts_OnPostgres_SurviveAFullRestart()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var receiver = new WebhookReceiver(HttpStatusCode.InternalServerError, HttpStatusCode.BadGateway);
        var serviceId = DurableCluster.NewServiceId();
        var tenant = DurableCluster.NewTenant();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Before before;

        await using (var cluster = await DurableCluster.StartAsync(database, serviceId, configuration: Configuration))
        {
            var store = new Store(cluster, tenant);
            using (DurableCluster.ActAsPlatform())
            {
                await cluster.Client.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key)
                    .CreateAsync(new TenantSpec(tenant.Value, "Durable Store", [$"{tenant.Value}.example.test"], "{}"));
            }

            using (DurableCluster.ActAs(tenant))
            {
                // The catalog: settings, a product with variants, an import that adds one and updates another.
                await store.Catalog.ConfigureAsync("DUR", "EUR");
                await store.Warehouse.PutZoneAsync("east", "East", makeDefault: false);
                var tee = await store.Catalog.CreateProductAsync(new ProductDraft(
                    "tee", "Tee", "Apparel", 20m, [new Dictionary<string, string> { ["color"] = "Black" }, new Dictionary<string, string> { ["color"] = "White" }]));
                var import = await store.Catalog.ImportAsync(
                [
                    new ProductImport(2, "mug", "Mug", "Kitchen", 8.50m, null, [new VariantImport(2, new Dictionary<string, string>(), null)]),
                    new ProductImport(3, "tee", null, null, 25m, null, [new VariantImport(3, new Dictionary<string, string> { ["color"] = "Black" }, tee.Variants[0].Sku)]),
                ]);
                Assert.Empty(import.Errors);
                var (black, white, mug) = (tee.Variants[0].Sku, tee.Variants[1].Sku, import.SkuByRow[2]);
                foreach (var sku in new[] { black, white, mug })
                {
                    await store.Stock(sku).AdjustAsync(DurableCluster.SetOnHand(20));
                }

                // Orders priced at checkout (the import's new tee price), paid, cancelled and left pending.
                var paid = await store.CheckoutAsync((black, 2), (mug, 1));
                var paidToo = await store.CheckoutAsync((white, 3));
                var cancelled = await store.CheckoutAsync((mug, 4));
                var pending = await store.CheckoutAsync((black, 1));
                await store.Order(paid.OrderId).PayAsync("psp-1");
                await store.Order(paidToo.OrderId).PayAsync("psp-2");
                await store.Order(cancelled.OrderId).CancelAsync();
                Assert.Equal((58.50m, "EUR"), (paid.Total, paid.Currency));

                // Low stock: the webhook fails twice, then takes the alert.
                var webhook = await store.Alerts.SetWebhookAsync(receiver.Url);
                await store.Stock(mug).SetReorderPointAsync(19);
                var delivered = await Eventually(() => store.Alerts.PageAsync(null, 10), page => page.Alerts is [{ Delivery: AlertDelivery.Delivered }]);
                Assert.Equal((3, 19), (delivered.Alerts[0].Attempts, delivered.Alerts[0].Alert.Available));
                Assert.Equal(3, receiver.Requests.Count);
                Assert.All(receiver.Requests, request => AssertSigned(webhook.Secret, request));

                var analytics = await store.Analytics.GetAsync(today, today, 10);
                Assert.Equal(new SalesFigures(4, 2, 1, 0, 133.50m, 6, 0), analytics.Totals);
                Assert.Equal([(white, 3L), (black, 2L), (mug, 1L)], analytics.TopSkus.Select(sku => (sku.Sku, sku.Units)));

                // A delivery still pending when the cluster stops: the receiver is down for now.
                receiver.Otherwise = HttpStatusCode.ServiceUnavailable;
                await store.Stock(black).SetReorderPointAsync(18);
                await Eventually(() => store.Alerts.PageAsync(null, 10), page => page.Alerts is [{ Attempts: > 0 }, ..]);

                before = new Before(
                    await store.Catalog.ListAsync(new ProductQuery(null, null, 0, 100)),
                    analytics,
                    await store.Order(pending.OrderId).GetAsync(),
                    webhook.Secret,
                    black);
            }

            await cluster.StopAsync();
        }

        await using (var cluster = await DurableCluster.StartAsync(database, serviceId, configuration: Configuration))
        {
            var store = new Store(cluster, tenant);
            using (DurableCluster.ActAs(tenant))
            {
                Assert.Equivalent(before.Catalog, await store.Catalog.ListAsync(new ProductQuery(null, null, 0, 100)), strict: true);
                Assert.Equivalent(before.Pending, await store.Order(before.Pending!.OrderId).GetAsync(), strict: true);
                Assert.Equivalent(before.Analytics, await store.Analytics.GetAsync(today, today, 10), strict: true);
                Assert.Equal(receiver.Url, (await store.Alerts.GetWebhookAsync())?.Url);

                // The pending delivery resumes once the receiver answers, signed with the secret issued before the restart.
                var attemptsBefore = receiver.Requests.Count;
                receiver.Otherwise = HttpStatusCode.OK;
                var page = await Eventually(() => store.Alerts.PageAsync(null, 10), page => page.Alerts[0].Delivery == AlertDelivery.Delivered);
                Assert.Equal((before.PendingSku, AlertDelivery.Delivered), (page.Alerts[0].Alert.Sku, page.Alerts[0].Delivery));
                Assert.Equal((AlertDelivery.Delivered, 3), (page.Alerts[1].Delivery, page.Alerts[1].Attempts));
                Assert.True(receiver.Requests.Count > attemptsBefore);
                Assert.All(receiver.Requests, request => AssertSigned(before.Secret, request));

                // And the store carries on: the pending order is paid and counted once.
                await store.Order(before.Pending.OrderId).PayAsync("psp-3");
                var after = await store.Analytics.GetAsync(today, today, 10);
                Assert.Equal(before.Analytics.Totals with { OrdersPaid = 3, Revenue = 158.50m, UnitsSold = 7 }, after.Totals);
            }
        }
    }

    /// <summary>
    /// The platform-wide figures over 1,000 stores, read by the fan-out to each store's analytics grain: warm (grains
    /// active) and cold (right after a full restart, every grain activated from PostgreSQL). Prints the timings.
    /// </summary>
    [Fact]
    public async Task PlatformAnalytics_AcrossAThousandStores_FansOutToEveryStore()
    {
        const int Stores = 1_000;
        await using var database = await TestDatabase.CreateAsync();
        var serviceId = DurableCluster.NewServiceId();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var prefix = $"p{Guid.NewGuid():N}"[..10];
        var tenants = Enumerable.Range(0, Stores).Select(i => TenantId.Parse($"{prefix}-{i:D4}")).ToList();

        await using (var cluster = await DurableCluster.StartAsync(database, serviceId))
        {
            var seeding = System.Diagnostics.Stopwatch.StartNew();
            using (DurableCluster.ActAsPlatform())
            {
                var directory = cluster.Client.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key);
                foreach (var tenant in tenants)
                {
                    await directory.CreateAsync(new TenantSpec(tenant.Value, tenant.Value, [$"{tenant.Value}.example.test"], "{}"));
                }
            }

            var created = seeding.Elapsed;
            await Parallel.ForEachAsync(tenants, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (tenant, _) =>
            {
                using (DurableCluster.ActAs(tenant))
                {
                    var now = DateTimeOffset.UtcNow;
                    await Analytics(cluster, tenant).RecordAsync(new OrderView(
                        Guid.NewGuid().ToString("D"), "cart", OrderStatus.Paid, [new OrderLine("SKU-1", "main", 2, "r", 5m)], now, now.AddMinutes(15), now, "psp", "EUR"));
                }
            });
            output.WriteLine($"Seeded {Stores} stores in {created.TotalSeconds:F1} s and one paid order each in {(seeding.Elapsed - created).TotalSeconds:F1} s.");

            var warm = await TimeReadsAsync(cluster, today, reads: 5);
            var figures = warm.Last;
            output.WriteLine($"Warm platform analytics over {Stores} stores: {Describe(warm.Timings)}.");
            Assert.Equal(Stores, figures.StoresRead);
            Assert.Empty(figures.Unavailable);
            var eur = Assert.Single(figures.ByCurrency);
            Assert.Equal((Stores, (long)Stores, Stores * 10m), (eur.Stores, eur.Totals.OrdersPaid, eur.Totals.Revenue));
            await cluster.StopAsync();
        }

        await using (var cluster = await DurableCluster.StartAsync(database, serviceId))
        {
            var cold = await TimeReadsAsync(cluster, today, reads: 1);
            var warm = await TimeReadsAsync(cluster, today, reads: 5);
            output.WriteLine($"Cold platform analytics after a full restart (1,000 activations from PostgreSQL): {Describe(cold.Timings)}; then warm: {Describe(warm.Timings)}.");
            Assert.Equal(Stores, cold.Last.StoresRead);
            Assert.Equal(Stores * 10m, Assert.Single(cold.Last.ByCurrency).Totals.Revenue);
        }
    }

    private static async Task<(IReadOnlyList<TimeSpan> Timings, CrossStoreAnalytics Last)> TimeReadsAsync(DurableCluster cluster, DateOnly today, int reads)
    {
        var timings = new List<TimeSpan>();
        CrossStoreAnalytics? last = null;
        using (DurableCluster.ActAsPlatform())
        {
            for (var read = 0; read < reads; read++)
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                last = await cluster.Client.GetGrain<IPlatformAnalyticsGrain>(IPlatformAnalyticsGrain.Key).GetAsync(today.AddDays(-29), today, 20);
                timings.Add(clock.Elapsed);
            }
        }

        return (timings, last!);
    }

    private static string Describe(IReadOnlyList<TimeSpan> timings) =>
        timings.Count == 1
            ? $"{timings[0].TotalMilliseconds:F0} ms"
            : $"min {timings.Min().TotalMilliseconds:F0} ms, median {timings.Order().ElementAt(timings.Count / 2).TotalMilliseconds:F0} ms, max {timings.Max().TotalMilliseconds:F0} ms over {timings.Count} reads";

    private static IStoreAnalyticsGrain Analytics(DurableCluster cluster, TenantId tenant) =>
        cluster.Client.GetGrain<IStoreAnalyticsGrain>(TenantKey.For(tenant, IStoreAnalyticsGrain.EntityId));

    private static void AssertSigned(string secret, WebhookReceiver.Received request)
    {
        var timestamp = request.Headers[WebhookSignature.TimestampHeader];
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{request.Body}")));
        Assert.Equal(expected, request.Headers[WebhookSignature.SignatureHeader]);
    }

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Still not there after 20 s: {value}");
            await Task.Delay(50);
        }
    }

    private sealed record Before(ProductPage Catalog, StoreAnalytics Analytics, OrderView? Pending, string Secret, string PendingSku);

    /// <summary>One store's grains, as the Api's TenantGrains hands them out.</summary>
    private sealed class Store(DurableCluster cluster, TenantId tenant)
    {
        public ICatalogGrain Catalog => Grain<ICatalogGrain>(ICatalogGrain.EntityId);

        public IWarehouseGrain Warehouse => Grain<IWarehouseGrain>(IWarehouseGrain.EntityId);

        public IStockAlertsGrain Alerts => Grain<IStockAlertsGrain>(IStockAlertsGrain.EntityId);

        public IStoreAnalyticsGrain Analytics => Grain<IStoreAnalyticsGrain>(IStoreAnalyticsGrain.EntityId);

        public IStockGrain Stock(string sku) => cluster.Stock(tenant, sku);

        public IOrderGrain Order(string orderId) => Grain<IOrderGrain>(orderId);

        public async Task<OrderView> CheckoutAsync(params (string Sku, int Quantity)[] lines)
        {
            var cart = Grain<ICartGrain>(Guid.NewGuid().ToString("D"));
            foreach (var (sku, quantity) in lines)
            {
                Assert.True((await cart.SetItemAsync(sku, "main", quantity)).Succeeded);
            }

            var checkout = await cart.CheckoutAsync();
            return checkout.Order ?? throw new InvalidOperationException($"Checkout fell short: {checkout.Shortage}");
        }

        private T Grain<T>(string entityId) where T : IGrainWithStringKey => cluster.Client.GetGrain<T>(TenantKey.For(tenant, entityId));
    }
}
