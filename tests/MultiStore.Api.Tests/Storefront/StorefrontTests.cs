using System.Net;
using System.Xml.Linq;
using MultiStore.Api.Auth;

namespace MultiStore.Api.Tests.Storefront;

/// <summary>Per-store storefront settings, robots.txt and sitemap.xml, each generated for the Host asked.</summary>
[Collection(ApiCollection.Name)]
public sealed class StorefrontTests(ApiFactory api)
{
    private static readonly XNamespace Sitemap = "http://www.sitemaps.org/schemas/sitemap/0.9";

    [Fact]
    public async Task Storefront_ServesTheOnboardingTheme_UntilAnAdminReplacesIt()
    {
        var store = await StoreDriver.OnboardAsync(api, "sf-theme");

        var before = await store.Shopper.GetAsync("/api/storefront").ExpectAsync(HttpStatusCode.OK);
        await store.Owner.PutJsonAsync("/admin/storefront/theme", new { theme = new { colors = new { primary = "#000000" }, sections = new[] { "hero", "grid" } } })
            .ExpectAsync(HttpStatusCode.OK);
        var after = await store.Shopper.GetAsync("/api/storefront").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("#123456", before["theme"]!.Value<string>("accent"));
        Assert.Equal($"Test store {store.TenantId}", before.Value<string>("name"));
        Assert.Equal("main", before.Value<string>("defaultZone"));
        Assert.Equal("#000000", after["theme"]!["colors"]!.Value<string>("primary"));
        Assert.Null(after["theme"]!["accent"]);
    }

    [Fact]
    public async Task SetTheme_BySupportOrWarehouse_IsForbidden()
    {
        var store = await StoreDriver.OnboardAsync(api, "sf-perm");
        foreach (var role in new[] { StoreRoles.Support, StoreRoles.Warehouse })
        {
            using var client = store.ClientWith(api.StoreToken(store.TenantId, role));
            await client.PutJsonAsync("/admin/storefront/theme", new { theme = new { } }).ExpectProblemAsync(HttpStatusCode.Forbidden);
        }
    }

    [Fact]
    public async Task SetTheme_NamingAPropertyTwice_Returns400AndKeepsTheTheme()
    {
        var store = await StoreDriver.OnboardAsync(api, "sf-dupe");

        await store.Owner.PutAsync("/admin/storefront/theme", Http.Json("""{"theme":{"colors":{"primary":"#000","primary":"#fff"}}}"""))
            .ExpectProblemAsync(HttpStatusCode.BadRequest);

        var storefront = await store.Shopper.GetAsync("/api/storefront").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("#123456", storefront["theme"]!.Value<string>("accent"));
    }

    [Fact]
    public async Task Robots_PointsAtTheSitemapOfTheSameHost()
    {
        var store = await StoreDriver.OnboardAsync(api, "sf-robots");

        using var response = await store.Shopper.GetAsync("/robots.txt");
        var robots = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"Sitemap: http://{store.Host}/sitemap.xml", robots, StringComparison.Ordinal);
        Assert.Contains("Disallow: /admin/", robots, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sitemap_ListsOnlyThisStoresActiveProductsOnThisHost()
    {
        var store = await StoreDriver.OnboardAsync(api, "sf-map");
        var other = await StoreDriver.OnboardAsync(api, "sf-other");
        var kept = await store.NewProductAsync();
        var archived = await store.NewProductAsync();
        var foreign = await other.NewProductAsync();
        await store.Owner.PostAsync($"/admin/products/{archived}/archive", null).ExpectAsync(HttpStatusCode.OK);

        using var response = await store.Shopper.GetAsync("/sitemap.xml");
        var document = XDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var urls = document.Descendants(Sitemap + "loc").Select(loc => loc.Value).ToList();
        Assert.Equal([$"http://{store.Host}/", $"http://{store.Host}/products/{kept}"], urls);
        Assert.DoesNotContain(urls, url => url.Contains(foreign, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sitemap_AskedAgainWithinAMinute_IsTheSameDocument_AndNeverAnotherStoresOne()
    {
        var store = await StoreDriver.OnboardAsync(api, "sf-cache");
        var other = await StoreDriver.OnboardAsync(api, "sf-cache-other");
        var first = await store.NewProductAsync();
        var foreign = await other.NewProductAsync();

        var before = await SitemapUrlsAsync(store);
        await store.NewProductAsync();
        var again = await SitemapUrlsAsync(store);
        var others = await SitemapUrlsAsync(other);

        Assert.Equal([$"http://{store.Host}/", $"http://{store.Host}/products/{first}"], before);
        Assert.Equal(before, again);
        Assert.Equal([$"http://{other.Host}/", $"http://{other.Host}/products/{foreign}"], others);
    }

    [Fact]
    public async Task Sitemap_OnManyPortsOfTheHost_IsBuiltFromOneCatalogPass_AndAnotherStoresSitemapStays()
    {
        var store = await StoreDriver.OnboardAsync(api, "sf-ports");
        var other = await StoreDriver.OnboardAsync(api, "sf-ports-other");
        var product = await store.NewProductAsync();
        var foreign = await other.NewProductAsync();
        var othersBefore = await SitemapUrlsAsync(other);
        await SitemapUrlsAsync(store);

        // Archived after the pass: every port asked within the lifetime must be served from that pass, not read anew.
        await store.Owner.PostAsync($"/admin/products/{product}/archive", null).ExpectAsync(HttpStatusCode.OK);
        await other.Owner.PostAsync($"/admin/products/{foreign}/archive", null).ExpectAsync(HttpStatusCode.OK);
        foreach (var port in Enumerable.Range(1, 30))
        {
            using var client = api.ClientFor($"{store.Host}:{port}");
            Assert.Equal([$"http://{store.Host}:{port}/", $"http://{store.Host}:{port}/products/{product}"], await SitemapUrlsAsync(client));
        }

        Assert.Equal([$"http://{other.Host}/", $"http://{other.Host}/products/{foreign}"], othersBefore);
        Assert.Equal(othersBefore, await SitemapUrlsAsync(other));
    }

    [Fact]
    public async Task SitemapPage_OfAStoreWhoseUrlsFitInOneDocument_IsPage1Only()
    {
        var store = await StoreDriver.OnboardAsync(api, "sf-page1");
        var product = await store.NewProductAsync();

        using var response = await store.Shopper.GetAsync("/sitemaps/1.xml");
        var urls = XDocument.Parse(await response.Content.ReadAsStringAsync()).Descendants(Sitemap + "loc").Select(loc => loc.Value);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([$"http://{store.Host}/", $"http://{store.Host}/products/{product}"], urls);
        await store.Shopper.GetAsync("/sitemaps/2.xml").ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task RobotsAndSitemap_OnAHostOfNoStore_Return404Problem()
    {
        await api.ClientFor("nobody-here.test").GetAsync("/robots.txt").ExpectProblemAsync(HttpStatusCode.NotFound, "store-not-found");
        await api.ClientFor("nobody-here.test").GetAsync("/sitemap.xml").ExpectProblemAsync(HttpStatusCode.NotFound, "store-not-found");
        await api.ClientFor("nobody-here.test").GetAsync("/sitemaps/1.xml").ExpectProblemAsync(HttpStatusCode.NotFound, "store-not-found");
    }

    private static Task<List<string>> SitemapUrlsAsync(StoreDriver store) => SitemapUrlsAsync(store.Shopper);

    private static async Task<List<string>> SitemapUrlsAsync(HttpClient client)
    {
        using var response = await client.GetAsync("/sitemap.xml");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return [.. XDocument.Parse(await response.Content.ReadAsStringAsync()).Descendants(Sitemap + "loc").Select(loc => loc.Value)];
    }
}
