using System.Diagnostics;
using System.Net;
using MultiStore.Api.Auth;

namespace MultiStore.Api.Tests.Platform;

/// <summary>Onboarding in one call: a store created with brand colours and a category template is live and stocked.</summary>
[Collection(ApiCollection.Name)]
public sealed class OnboardingTests(ApiFactory api)
{
    private HttpClient Platform => api.ClientFor("platform.test", api.PlatformToken());

    [Fact]
    public async Task Onboard_WithTemplate_StoreSellsItsFirstProductWithinASecond()
    {
        var id = $"onb-{Guid.NewGuid():N}"[..14];
        var domain = $"{id}.test";

        await Platform.PostJsonAsync("/platform/tenants", new
        {
            id,
            name = "Glow Beauty",
            domains = new[] { domain },
            brandColors = new { primary = "#aa3366", accent = "#ffd700" },
            template = "beauty",
            skuPrefix = "GLW",
            currency = "GBP",
        }).ExpectAsync(HttpStatusCode.Created);
        var clock = Stopwatch.StartNew();

        // The store answers on its domain at once, with the template's catalog and stock.
        var shopper = api.ClientFor(domain);
        var listing = await shopper.GetAsync("/api/products").ExpectAsync(HttpStatusCode.OK);
        var firstAnswer = clock.Elapsed;
        var handle = listing["items"]![0]!.Value<string>("handle");
        var page = await shopper.GetAsync($"/api/products/{handle}").ExpectAsync(HttpStatusCode.OK);
        var variant = page["variants"]![0]!;
        var sku = variant.Value<string>("sku");
        Assert.StartsWith("GLW-", sku);
        Assert.True(variant.Value<int>("available") > 0);
        Assert.Equal("GBP", page.Value<string>("currency"));

        // First sale: cart, checkout, payment.
        var cartId = Guid.NewGuid();
        await shopper.PutJsonAsync($"/api/carts/{cartId}/items/{sku}", new { quantity = 2 }).ExpectAsync(HttpStatusCode.OK);
        var order = await shopper.PostAsync($"/api/carts/{cartId}/checkout", null).ExpectAsync(HttpStatusCode.Created);
        using var owner = api.ClientFor(domain, api.StoreToken(id, StoreRoles.Owner));
        var paid = await owner.PostJsonAsync($"/admin/orders/{order.Value<string>("orderId")}/pay", new { paymentReference = "first-sale" }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("paid", paid.Value<string>("status"));
        Assert.True(firstAnswer < TimeSpan.FromSeconds(1), $"first answer after {firstAnswer.TotalMilliseconds:F0} ms");
        var storefront = await shopper.GetAsync("/api/storefront").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("#aa3366", storefront["theme"]!["colors"]!.Value<string>("primary"));
        Assert.Equal("beauty", storefront["theme"]!.Value<string>("template"));
        Assert.Equal(["main", "store-front"], storefront["zones"]!.AsArray().Select(zone => zone!.GetValue<string>()));
    }

    [Fact]
    public async Task Onboard_AskedAgain_AnswersTheSameStore_WithoutDuplicatingOrRestocking()
    {
        // A retry after a lost answer, or after the filling failed part-way, finishes the store: nothing twice, and
        // what it sold since stays sold.
        var id = $"onb-{Guid.NewGuid():N}"[..14];
        var body = new { id, name = "Kumo", domains = new[] { $"{id}.test" }, template = "fashion", skuPrefix = "KUMO" };
        var created = await Platform.PostJsonAsync("/platform/tenants", body).ExpectAsync(HttpStatusCode.Created);
        var shopper = api.ClientFor($"{id}.test");
        var before = await shopper.GetAsync("/api/products?pageSize=100").ExpectAsync(HttpStatusCode.OK);
        var sku = (await shopper.GetAsync($"/api/products/{before["items"]![0]!.Value<string>("handle")}").ExpectAsync(HttpStatusCode.OK))["variants"]![0]!.Value<string>("sku");
        using var owner = api.ClientFor($"{id}.test", api.StoreToken(id, StoreRoles.Owner));
        await owner.PutJsonAsync($"/admin/stock/{sku}/main", new { onHand = 1 }).ExpectAsync(HttpStatusCode.OK);

        var again = await Platform.PostJsonAsync("/platform/tenants", body).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(created.ToJsonString(), again.ToJsonString());
        var after = await shopper.GetAsync("/api/products?pageSize=100").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
        var level = (await owner.GetAsync($"/admin/stock/{sku}").ExpectAsync(HttpStatusCode.OK))["zones"]!.AsArray().Single(zone => zone!.Value<string>("zone") == "main")!;
        Assert.Equal(1, level.Value<int>("onHand"));
        await Platform.PostJsonAsync("/platform/tenants", body with { name = "Another" }).ExpectProblemAsync(HttpStatusCode.Conflict, "tenant-exists");
    }

    [Fact]
    public async Task Onboard_AskedAgainAfterTheStoreChanged_KeepsWhatItsStaffChanged()
    {
        var id = $"onb-{Guid.NewGuid():N}"[..14];
        var body = new { id, name = "Kumo", domains = new[] { $"{id}.test" }, template = "fashion", skuPrefix = "KUMO" };
        await Platform.PostJsonAsync("/platform/tenants", body).ExpectAsync(HttpStatusCode.Created);
        var shopper = api.ClientFor($"{id}.test");
        using var owner = api.ClientFor($"{id}.test", api.StoreToken(id, StoreRoles.Owner));
        var handle = (await shopper.GetAsync("/api/products").ExpectAsync(HttpStatusCode.OK))["items"]![0]!.Value<string>("handle");
        await owner.PostAsync($"/admin/products/{handle}/archive", null).ExpectAsync(HttpStatusCode.OK);
        await owner.PutJsonAsync("/admin/zones/store-front", new { name = "Shop floor", isDefault = true }).ExpectAsync(HttpStatusCode.OK);

        // The operator's client sends the same onboarding again, long after its answer was lost.
        await Platform.PostJsonAsync("/platform/tenants", body).ExpectAsync(HttpStatusCode.Created);

        await shopper.GetAsync($"/api/products/{handle}").ExpectProblemAsync(HttpStatusCode.NotFound);
        var zones = await owner.GetAsync("/admin/zones").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("store-front", zones.Value<string>("defaultZone"));
        Assert.Contains(zones["zones"]!.AsArray(), zone => zone!.Value<string>("zone") == "store-front" && zone!.Value<string>("name") == "Shop floor");
    }

    [Fact]
    public async Task Onboard_AskedAgainWithOtherCatalogSettings_Returns409_AndTheStoreKeepsItsOwn()
    {
        var id = $"onb-{Guid.NewGuid():N}"[..14];
        var body = new { id, name = "Kumo", domains = new[] { $"{id}.test" }, skuPrefix = "KUMO", currency = "GBP" };
        await Platform.PostJsonAsync("/platform/tenants", body).ExpectAsync(HttpStatusCode.Created);

        // Only the catalog settings differ: not the same onboarding, so not answered as if it had been done.
        await Platform.PostJsonAsync("/platform/tenants", body with { currency = "USD" }).ExpectProblemAsync(HttpStatusCode.Conflict, "tenant-exists");
        await Platform.PostJsonAsync("/platform/tenants", body with { skuPrefix = "KMO" }).ExpectProblemAsync(HttpStatusCode.Conflict, "tenant-exists");
        await Platform.PostJsonAsync("/platform/tenants", new { id, name = "Kumo", domains = new[] { $"{id}.test" } }).ExpectProblemAsync(HttpStatusCode.Conflict, "tenant-exists");

        await Platform.PostJsonAsync("/platform/tenants", body).ExpectAsync(HttpStatusCode.Created);
        var storefront = await api.ClientFor($"{id}.test").GetAsync("/api/storefront").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("GBP", storefront.Value<string>("currency"));
    }

    [Theory]
    [InlineData("fashion")]
    [InlineData("beauty")]
    [InlineData("restaurant")]
    [InlineData("furniture")]
    public async Task Onboard_EachTemplate_FillsProductsVariantsZonesAndStock(string template)
    {
        var id = $"tpl-{Guid.NewGuid():N}"[..14];

        await Platform.PostJsonAsync("/platform/tenants", new { id, name = template, domains = new[] { $"{id}.test" }, template })
            .ExpectAsync(HttpStatusCode.Created);

        var shopper = api.ClientFor($"{id}.test");
        var listing = await shopper.GetAsync("/api/products").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(3, listing.Value<int>("total"));
        foreach (var item in listing["items"]!.AsArray())
        {
            var page = await shopper.GetAsync($"/api/products/{item!.Value<string>("handle")}").ExpectAsync(HttpStatusCode.OK);
            Assert.All(page["variants"]!.AsArray(), variant =>
            {
                Assert.Equal(2, variant!["zones"]!.AsArray().Count);
                Assert.All(variant["zones"]!.AsArray(), zone => Assert.True(zone!.Value<int>("available") > 0));
            });
        }
    }

    [Fact]
    public async Task Onboard_WithBrandColorsOnly_KeepsTheThemeAndAddsColors()
    {
        var id = $"clr-{Guid.NewGuid():N}"[..14];

        var created = await Platform.PostJsonAsync("/platform/tenants", new
        {
            id,
            name = "Colours",
            domains = new[] { $"{id}.test" },
            theme = new { font = "Inter", colors = new { background = "#fff" } },
            brandColors = new { primary = "#123" },
        }).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("Inter", created["theme"]!.Value<string>("font"));
        Assert.Equal("#fff", created["theme"]!["colors"]!.Value<string>("background"));
        Assert.Equal("#123", created["theme"]!["colors"]!.Value<string>("primary"));
        var listing = await api.ClientFor($"{id}.test").GetAsync("/api/products").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, listing.Value<int>("total"));
    }

    [Fact]
    public async Task Onboard_ThemeInAnyScript_IsMeasuredAsSent()
    {
        var id = $"uni-{Guid.NewGuid():N}"[..14];
        // About 10,000 characters of JSON as sent; written with an escape per character it would pass the 16 KB limit.
        var tagline = new string('漢', 3000) + string.Concat(Enumerable.Repeat("é<&>'+", 1000)) + string.Concat(Enumerable.Repeat("😀", 100));

        // Sent as UTF-8 text, as a browser or most clients send it (this test client's serializer would escape it).
        var body = $$$"""{"id":"{{{id}}}","name":"Kanji","domains":["{{{id}}}.test"],"theme":{"tagline":"{{{tagline}}}"},"brandColors":{"primary":"#123"}}""";

        var created = await Platform.PostAsync("/platform/tenants", Http.Json(body)).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(tagline, created["theme"]!.Value<string>("tagline"));
        var storefront = await api.ClientFor($"{id}.test").GetAsync("/api/storefront").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(tagline, storefront["theme"]!.Value<string>("tagline"));
    }

    [Fact]
    public async Task Onboard_ThemeTooLongOnceTheBrandColorsAreAdded_Returns400NamingTheTheme()
    {
        var id = $"big-{Guid.NewGuid():N}"[..14];
        var theme = new { tagline = new string('x', 16_300) };

        var problem = await Platform.PostJsonAsync("/platform/tenants", new
        {
            id,
            name = "Big",
            domains = new[] { $"{id}.test" },
            theme,
            brandColors = new { primary = "#123456", secondary = "#654321", accent = "#abcdef" },
        }).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid-request");

        Assert.Contains("theme", problem.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain(await PlatformListing.AllAsync(Platform), store => store.Value<string>("id") == id);
    }

    [Theory]
    [InlineData("""{"template":"groceries"}""")]
    [InlineData("""{"brandColors":{"primary":"red"}}""")]
    [InlineData("""{"brandColors":{"Primary Colour":"#fff"}}""")]
    [InlineData("""{"skuPrefix":"x"}""")]
    [InlineData("""{"currency":"euro"}""")]
    [InlineData("""{"theme":{"a":1,"a":2},"brandColors":{"primary":"#123"}}""")]
    [InlineData("""{"theme":{"colors":{"x":1,"x":1}},"template":"fashion"}""")]
    [InlineData("""{"theme":{"layout":[{"b":1,"b":2}]}}""")]
    [InlineData("""{"theme":{"a":"\ud800"},"currency":"EUR"}""")]
    [InlineData("""{"theme":{"\udc00":1},"brandColors":{"primary":"#123"},"skuPrefix":"BAD"}""")]
    [InlineData("""{"theme":{"layout":["x\ud83d"]},"template":"fashion"}""")]
    public async Task Onboard_BadOnboardingFields_Returns400AndCreatesNothing(string extra)
    {
        var id = $"bad-{Guid.NewGuid():N}"[..14];
        var body = extra[..^1] + $$""","id":"{{id}}","name":"Bad","domains":["{{id}}.test"]}""";

        await Platform.PostAsync("/platform/tenants", Http.Json(body)).ExpectProblemAsync(HttpStatusCode.BadRequest);

        await api.ClientFor($"{id}.test").GetAsync("/api/products").ExpectProblemAsync(HttpStatusCode.NotFound, "store-not-found");
    }

    [Fact]
    public async Task Onboard_ThemeWithALoneSurrogate_Returns400NamingTheTheme_AndTheStoresOwnThemeRefusesItToo()
    {
        var id = $"bad-{Guid.NewGuid():N}"[..14];
        var body = $$$"""{"id":"{{{id}}}","name":"Bad","domains":["{{{id}}}.test"],"theme":{"a":"\ud800"}}""";

        var problem = await Platform.PostAsync("/platform/tenants", Http.Json(body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid-request");

        Assert.Contains("theme", problem.ToJsonString(), StringComparison.OrdinalIgnoreCase);
        await api.ClientFor($"{id}.test").GetAsync("/api/products").ExpectProblemAsync(HttpStatusCode.NotFound, "store-not-found");
        var store = await StoreDriver.OnboardAsync(api, "srg");
        await store.Owner.PutAsync("/admin/storefront/theme", Http.Json("""{"theme":{"a":"\ud800"}}""")).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity);
    }
}
