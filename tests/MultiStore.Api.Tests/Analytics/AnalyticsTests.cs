using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;
using MultiStore.Api.Auth;

namespace MultiStore.Api.Tests.Analytics;

/// <summary>Sales figures over HTTP: per store, across an owner's stores, across the platform.</summary>
[Collection(ApiCollection.Name)]
public sealed class AnalyticsTests(ApiFactory api)
{
    [Fact]
    public async Task StoreAnalytics_AfterPaidCancelledAndPendingOrders_ShowRevenueTopSkusAndConversion()
    {
        var startedOn = DateOnly.FromDateTime(DateTime.UtcNow);
        var store = await StoreDriver.OnboardAsync(api, "ana");
        var (black, white) = await StockedProductAsync(store, price: 25m);
        var paid = await PlaceAsync(store, (black, 2), (white, 1));
        var paidToo = await PlaceAsync(store, (white, 3));
        var cancelled = await PlaceAsync(store, (black, 1));
        await PlaceAsync(store, (black, 4));
        await store.Owner.PostJsonAsync($"/admin/orders/{paid}/pay", new { }).ExpectAsync(HttpStatusCode.OK);
        await store.Owner.PostJsonAsync($"/admin/orders/{paidToo}/pay", new { }).ExpectAsync(HttpStatusCode.OK);
        await store.Shopper.PostAsync($"/api/orders/{cancelled}/cancel", null).ExpectAsync(HttpStatusCode.OK);

        var figures = await store.Owner.GetAsync("/admin/analytics?top=5").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal((store.TenantId, "EUR"), (figures.Value<string>("store"), figures.Value<string>("currency")));
        Assert.Equal(30, figures["days"]!.AsArray().Count);
        var totals = figures["totals"]!;
        Assert.Equal((4, 2, 1, 0), (totals.Value<int>("ordersPlaced"), totals.Value<int>("ordersPaid"), totals.Value<int>("ordersCancelled"), totals.Value<int>("ordersExpired")));
        Assert.Equal((150m, 6), (totals.Value<decimal>("revenue"), totals.Value<int>("unitsSold")));
        Assert.Equal(1.0, totals.Value<double>("conversion"));
        // The last day is the server's today; should midnight (UTC) pass during the test, the sales sit in the day before.
        var days = figures["days"]!.AsArray();
        Assert.InRange(DateOnly.Parse(days[^1]!.Value<string>("date"), System.Globalization.CultureInfo.InvariantCulture), startedOn, DateOnly.FromDateTime(DateTime.UtcNow));
        Assert.Equal(150m, days.TakeLast(2).Sum(day => day!["figures"]!.Value<decimal>("revenue")));
        Assert.Equal(
            [(white, 4, 100m), (black, 2, 50m)],
            figures["topSkus"]!.AsArray().Select(sku => (sku!.Value<string>("sku"), sku!.Value<int>("unitsSold"), sku!.Value<decimal>("revenue"))));
    }

    [Theory]
    [InlineData(StoreRoles.Owner, HttpStatusCode.OK)]
    [InlineData(StoreRoles.BrandManager, HttpStatusCode.OK)]
    [InlineData(StoreRoles.Warehouse, HttpStatusCode.Forbidden)]
    [InlineData(StoreRoles.Support, HttpStatusCode.Forbidden)]
    public async Task StoreAnalytics_NeedsAnalyticsRead(string role, HttpStatusCode expected)
    {
        using var client = api.ClientFor("fiber-x.localhost", api.StoreToken("fiber-x", role));

        using var response = await client.GetAsync("/admin/analytics");

        Assert.Equal(expected, response.StatusCode);
    }

    [Theory]
    [InlineData("?from=2026-02-01&to=2026-01-01")]
    [InlineData("?from=2025-01-01&to=2026-12-31")]
    [InlineData("?from=yesterday")]
    [InlineData("?top=101")]
    public async Task StoreAnalytics_BadRange_IsRejected(string query)
    {
        var store = StoreDriver.FiberX(api);

        await store.Owner.GetAsync("/admin/analytics" + query).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
    }

    [Theory]
    [InlineData("/admin/analytics?from=01/02/2026&to=2026-03-01")]
    [InlineData("/admin/analytics?from=2026-1-5")]
    [InlineData("/admin/analytics?from=2026-01-05T00:00")]
    [InlineData("/admin/analytics?to=Mon, 07 Dec 2026")]
    [InlineData("/admin/analytics?to=%202026-01-05")]
    [InlineData("/admin/stores/analytics?from=01/02/2026&to=2026-03-01")]
    [InlineData("/platform/analytics?from=01/02/2026&to=2026-03-01")]
    public async Task Analytics_DateNotWrittenAsYearMonthDay_IsRejected(string pathAndQuery)
    {
        // 01/02/2026 is January 2nd in one culture and February 1st in another: figures of a guessed range are wrong
        // figures, so only the documented yyyy-MM-dd is read.
        var client = pathAndQuery.StartsWith("/platform", StringComparison.Ordinal)
            ? api.ClientFor("platform.test", api.PlatformToken())
            : StoreDriver.FiberX(api).Owner;

        await client.GetAsync(pathAndQuery).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
    }

    [Theory]
    [InlineData("/admin/analytics?to=")]
    [InlineData("/admin/analytics?from=&to=")]
    [InlineData("/admin/stores/analytics?to=")]
    public async Task Analytics_EmptyDate_ReadsAsAbsent_TheLast30DaysToToday(string pathAndQuery)
    {
        var startedOn = DateOnly.FromDateTime(DateTime.UtcNow);
        var store = StoreDriver.FiberX(api);

        var view = await store.Owner.GetAsync(pathAndQuery).ExpectAsync(HttpStatusCode.OK);

        var (from, to) = (DateOnly.Parse(view.Value<string>("from")!, CultureInfo.InvariantCulture), DateOnly.Parse(view.Value<string>("to")!, CultureInfo.InvariantCulture));
        Assert.InRange(to, startedOn, DateOnly.FromDateTime(DateTime.UtcNow));
        Assert.Equal(30, to.DayNumber - from.DayNumber + 1);
    }

    [Theory]
    [InlineData("/admin/analytics?to=0001-01-05", 5)]
    [InlineData("/admin/analytics?from=9999-12-31&to=9999-12-31", 1)]
    [InlineData("/admin/stores/analytics?to=0001-01-05", 5)]
    [InlineData("/admin/stores/analytics?from=9999-12-30&to=9999-12-31", 2)]
    public async Task Analytics_AtTheCalendarsEdges_AnswersTheDaysThatExist(string pathAndQuery, int days)
    {
        var store = StoreDriver.FiberX(api);

        var view = await store.Owner.GetAsync(pathAndQuery).ExpectAsync(HttpStatusCode.OK);

        var (from, to) = (DateOnly.Parse(view.Value<string>("from")!, CultureInfo.InvariantCulture), DateOnly.Parse(view.Value<string>("to")!, CultureInfo.InvariantCulture));
        Assert.Equal(days, to.DayNumber - from.DayNumber + 1);
        if (view["storesRead"] is not null)
        {
            Assert.Equal(1, view.Value<int>("storesRead"));
        }
    }

    [Fact]
    public async Task PlatformAnalytics_AtTheCalendarsLastDay_ReadsEveryStore()
    {
        var view = await api.ClientFor("platform.test", api.PlatformToken())
            .GetAsync("/platform/analytics?from=9999-12-31&to=9999-12-31").ExpectAsync(HttpStatusCode.OK);

        Assert.Empty(view["unavailable"]!.AsArray());
        Assert.True(view.Value<int>("storesRead") >= 1);
    }

    [Fact]
    public async Task OwnerAnalytics_SumsTheOwnedStoresOnly_PerCurrency()
    {
        var (first, second, foreign) = (await StoreDriver.OnboardAsync(api, "oa-a"), await StoreDriver.OnboardAsync(api, "oa-b"), await StoreDriver.OnboardAsync(api, "oa-c"));
        foreach (var (store, price) in new[] { (first, 10m), (second, 4m), (foreign, 1000m) })
        {
            var (sku, _) = await StockedProductAsync(store, price);
            await PayAsync(store, await PlaceAsync(store, (sku, 2)));
        }

        var token = Token(Grant(first.TenantId, StoreRoles.Owner), Grant(second.TenantId, StoreRoles.Owner), Grant(foreign.TenantId, StoreRoles.BrandManager));
        var view = await api.ClientFor("admin.example.test", token).GetAsync("/admin/stores/analytics").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(2, view.Value<int>("storesRead"));
        var eur = Assert.Single(view["byCurrency"]!.AsArray())!;
        Assert.Equal(("EUR", 2, 28m, 2), (eur.Value<string>("currency"), eur.Value<int>("stores"), eur["totals"]!.Value<decimal>("revenue"), eur["totals"]!.Value<int>("ordersPaid")));
        Assert.Equal([first.TenantId, second.TenantId], view["stores"]!.AsArray().Select(store => store!.Value<string>("store")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task PlatformAnalytics_ReadsEveryStore_AndOnlyForThePlatformRole()
    {
        var (first, second) = (await StoreDriver.OnboardAsync(api, "pa-a"), await StoreDriver.OnboardAsync(api, "pa-b"));
        var (sku, _) = await StockedProductAsync(first, 3m);
        await PayAsync(first, await PlaceAsync(first, (sku, 5)));
        await PlaceAsync(first, (sku, 1));

        var view = await api.ClientFor("platform.test", api.PlatformToken()).GetAsync("/platform/analytics?top=1000").ExpectAsync(HttpStatusCode.OK);

        var stores = view["stores"]!.AsArray().ToDictionary(store => store!.Value<string>("store"), store => store!["totals"]!);
        Assert.Equal((2, 1, 15m), (stores[first.TenantId].Value<int>("ordersPlaced"), stores[first.TenantId].Value<int>("ordersPaid"), stores[first.TenantId].Value<decimal>("revenue")));
        Assert.Equal(0, stores[second.TenantId].Value<int>("ordersPlaced"));
        Assert.True(view.Value<int>("storesRead") >= 5);
        Assert.Empty(view["unavailable"]!.AsArray());
        await api.ClientFor(first.Host, api.StoreToken(first.TenantId, StoreRoles.Owner)).GetAsync("/platform/analytics").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    /// <summary>A product at <paramref name="price"/> with two variants, 100 units of each in main: (black SKU, white SKU).</summary>
    private static async Task<(string Black, string White)> StockedProductAsync(StoreDriver store, decimal price)
    {
        var handle = await store.NewProductAsync(price: price);
        var skus = (await store.ProductAsync(handle))["variants"]!.AsArray().Select(variant => variant!.Value<string>("sku")).ToList();
        foreach (var sku in skus)
        {
            await store.SetStockAsync(sku, 100);
        }

        return (skus[0], skus[1]);
    }

    private static async Task<string> PlaceAsync(StoreDriver store, params (string Sku, int Quantity)[] lines)
    {
        var cartId = Guid.NewGuid().ToString("D");
        foreach (var (sku, quantity) in lines)
        {
            await store.Shopper.PutJsonAsync($"/api/carts/{cartId}/items/{sku}", new { quantity }).ExpectAsync(HttpStatusCode.OK);
        }

        var order = await store.Shopper.PostAsync($"/api/carts/{cartId}/checkout", null).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(lines.Sum(line => line.Quantity) * order["lines"]!.AsArray()[0]!.Value<decimal>("unitPrice"), order.Value<decimal>("total"));
        return order.Value<string>("orderId");
    }

    private static Task<JsonNode> PayAsync(StoreDriver store, string orderId) =>
        store.Owner.PostJsonAsync($"/admin/orders/{orderId}/pay", new { }).ExpectAsync(HttpStatusCode.OK);

    private static Claim Grant(string tenant, string role) => new(AuthClaims.StoreRole, AuthClaims.StoreRoleValue(tenant, role));

    private string Token(params Claim[] grants)
    {
        var now = DateTimeOffset.UtcNow;
        return api.Tokens.Issue("analyst", grants, now, now.AddMinutes(10));
    }
}
