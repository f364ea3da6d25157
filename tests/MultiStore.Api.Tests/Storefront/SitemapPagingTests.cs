using System.Net;
using System.Xml.Linq;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using MultiStore.Api.Features.Storefront.Sitemap;

namespace MultiStore.Api.Tests.Storefront;

/// <summary>
/// A store with more URLs than one sitemap may hold gets a sitemap index and pages, on an API whose documents hold
/// <see cref="SmallSitemapsApiFactory.UrlsPerDocument"/> URLs instead of 50,000.
/// </summary>
public sealed class SitemapPagingTests(SmallSitemapsApiFactory api) : IClassFixture<SmallSitemapsApiFactory>
{
    private static readonly XNamespace Sitemap = "http://www.sitemaps.org/schemas/sitemap/0.9";

    [Fact]
    public async Task Sitemap_WithMoreUrlsThanOneDocumentHolds_IsAnIndexOfPagesThatListEveryProductOnce()
    {
        var store = await StoreDriver.OnboardAsync(api, "sm-big");
        var products = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            products.Add(await store.NewProductAsync());
        }

        var index = await DocumentAsync(store, "/sitemap.xml");
        var first = await DocumentAsync(store, "/sitemaps/1.xml");
        var second = await DocumentAsync(store, "/sitemaps/2.xml");

        Assert.Equal(Sitemap + "sitemapindex", index.Root!.Name);
        Assert.Equal([$"http://{store.Host}/sitemaps/1.xml", $"http://{store.Host}/sitemaps/2.xml"], Locations(index));
        Assert.All(index.Descendants(Sitemap + "sitemap"), sitemap => Assert.NotNull(sitemap.Element(Sitemap + "lastmod")));
        Assert.Equal(Sitemap + "urlset", first.Root!.Name);
        Assert.Equal([$"http://{store.Host}/", .. products.Take(2).Select(handle => $"http://{store.Host}/products/{handle}")], Locations(first));
        Assert.Equal(products.Skip(2).Select(handle => $"http://{store.Host}/products/{handle}"), Locations(second));
        await store.Shopper.GetAsync("/sitemaps/3.xml").ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Sitemap_WhoseUrlsFitInOneDocument_IsTheUrlSetItself()
    {
        var store = await StoreDriver.OnboardAsync(api, "sm-small");
        var product = await store.NewProductAsync();

        var sitemap = await DocumentAsync(store, "/sitemap.xml");

        Assert.Equal(Sitemap + "urlset", sitemap.Root!.Name);
        Assert.Equal([$"http://{store.Host}/", $"http://{store.Host}/products/{product}"], Locations(sitemap));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("99999999999")]
    public async Task SitemapPage_NotAPageNumber_Returns400Problem(string page)
    {
        var store = await StoreDriver.OnboardAsync(api, "sm-bad");

        await store.Shopper.GetAsync($"/sitemaps/{page}.xml").ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    private static async Task<XDocument> DocumentAsync(StoreDriver store, string path)
    {
        using var response = await store.Shopper.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        return XDocument.Parse(body);
    }

    private static List<string> Locations(XDocument document) => [.. document.Descendants(Sitemap + "loc").Select(loc => loc.Value)];
}

/// <summary>The API with sitemap documents of three URLs, so a handful of products needs an index.</summary>
public sealed class SmallSitemapsApiFactory : ApiFactory
{
    public const int UrlsPerDocument = 3;

    protected override void ConfigureSettings(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services => services.AddSingleton(_ => new SitemapCache(UrlsPerDocument)));
}
