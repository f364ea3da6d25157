using System.Net;
using System.Xml.Linq;
using MultiStore.Cluster.Tests.Hosting;
using MultiStore.Cluster.Tests.Operations;

namespace MultiStore.Cluster.Tests.Storefront;

/// <summary>
/// robots.txt and sitemap.xml over HTTP on the durable cluster (issue 6): made per Host from that store's catalog,
/// with the host the request came on, so two stores (and two host names of one store) each get their own.
/// </summary>
[Collection(OperationsCollection.Name)]
public sealed class StorefrontOverHttpTests(OperationsCluster operations)
{
    private static readonly XNamespace Sitemap = "http://www.sitemaps.org/schemas/sitemap/0.9";

    [Fact]
    public async Task RobotsAndSitemap_OfTwoStores_EachListOnlyTheirOwnActiveProductsOnTheHostAsked()
    {
        var cluster = operations.Cluster;
        var first = await operations.OnboardAsync("www");
        var second = await operations.OnboardAsync();
        var firstWww = $"www.{first.Host}";
        await CreateProductAsync(cluster, first, "first-lamp");
        await CreateProductAsync(cluster, first, "first-chair");
        await CreateProductAsync(cluster, first, "first-retired");
        await cluster.SendAsync(HttpMethod.Post, "admin/products/first-retired/archive", first.Host, first.OwnerToken, null, HttpStatusCode.OK);
        await CreateProductAsync(cluster, second, "second-rug");

        foreach (var host in new[] { first.Host, firstWww, second.Host })
        {
            var (type, robots) = await cluster.GetTextAsync("robots.txt", host, HttpStatusCode.OK);
            Assert.Equal("text/plain", type);
            Assert.Contains($"Sitemap: http://{host}/sitemap.xml\n", robots, StringComparison.Ordinal);
            Assert.Contains("Disallow: /admin/\n", robots, StringComparison.Ordinal);
        }

        Assert.Equal([$"http://{first.Host}/", .. Products(first.Host, "first-chair", "first-lamp")], await SitemapAsync(cluster, first.Host));
        Assert.Equal([$"http://{firstWww}/", .. Products(firstWww, "first-chair", "first-lamp")], await SitemapAsync(cluster, firstWww));
        Assert.Equal([$"http://{second.Host}/", .. Products(second.Host, "second-rug")], await SitemapAsync(cluster, second.Host));

        // A host no store has gets no store's files.
        foreach (var path in new[] { "robots.txt", "sitemap.xml" })
        {
            var (type, _) = await cluster.GetTextAsync(path, $"nobody-{first.Id}.localhost", HttpStatusCode.NotFound);
            Assert.Equal("application/problem+json", type);
        }
    }

    private static Task CreateProductAsync(LocalCluster cluster, OnboardedStore store, string handle) =>
        cluster.SendAsync(HttpMethod.Post, "admin/products", store.Host, store.OwnerToken, new { handle, name = handle, category = "Home", price = 10m }, HttpStatusCode.Created);

    private static IEnumerable<string> Products(string host, params string[] handles) => handles.Select(handle => $"http://{host}/products/{handle}");

    /// <summary>The sitemap's URLs: the home page as it comes first, then the products in order of their URL.</summary>
    private static async Task<List<string>> SitemapAsync(LocalCluster cluster, string host)
    {
        var (type, text) = await cluster.GetTextAsync("sitemap.xml", host, HttpStatusCode.OK);
        Assert.Equal("application/xml", type);
        var urls = XDocument.Parse(text).Descendants(Sitemap + "url").ToList();
        Assert.All(urls.Skip(1), url => Assert.NotNull(url.Element(Sitemap + "lastmod")));
        var locations = urls.Select(url => url.Element(Sitemap + "loc")!.Value).ToList();
        return [.. locations.Take(1), .. locations.Skip(1).Order(StringComparer.Ordinal)];
    }
}
