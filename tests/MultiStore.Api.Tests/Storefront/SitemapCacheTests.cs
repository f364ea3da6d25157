using MultiStore.Api.Features.Storefront.Sitemap;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Tests.Storefront;

/// <summary>
/// The sitemap cache on its own, with a catalog that counts its passes: however many origins a store is asked on,
/// and however many requests arrive together, its catalog is read once per lifetime, and no store's origins push
/// another store's sitemap out.
/// </summary>
public sealed class SitemapCacheTests
{
    private static readonly TenantId Store = TenantId.Parse("cache-store");
    private static readonly TenantId Other = TenantId.Parse("cache-other");

    [Fact]
    public async Task GetAsync_ConcurrentRequestsOnManyOrigins_PassOverTheCatalogOnce()
    {
        using var cache = new SitemapCache();
        var catalog = new CountingCatalog(Products(3));
        var gate = new TaskCompletionSource();

        // Each call runs to its first wait before the next starts: all of them miss while the one pass is held.
        var requests = Enumerable.Range(1, 16).Select(port => RenderAsync(cache, Store, () => catalog.LoadAsync(gate.Task), $"http://store.test:{port}")).ToList();
        gate.SetResult();
        var documents = await Task.WhenAll(requests);
        for (var port = 100; port < 300; port++)
        {
            documents = [.. documents, await RenderAsync(cache, Store, () => catalog.LoadAsync(Task.CompletedTask), $"http://store.test:{port}")];
        }

        Assert.Equal(1, catalog.Passes);
        Assert.All(documents, document => Assert.Contains("/products/product-2</loc>", document, StringComparison.Ordinal));
        Assert.Contains("<loc>http://store.test:299/</loc>", documents[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_WhenAPassFails_TheNextRequestPassesAgain()
    {
        using var cache = new SitemapCache();
        var catalog = new CountingCatalog(Products(1));

        await Assert.ThrowsAsync<InvalidOperationException>(() => cache.GetAsync(Store, () => catalog.FailAsync()));
        var sitemap = await cache.GetAsync(Store, () => catalog.LoadAsync(Task.CompletedTask));

        Assert.Equal(2, catalog.Passes);
        Assert.Contains("/products/product-0</loc>", sitemap.Document("http://store.test", StoreSitemap.Root), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_OneStoresManyOrigins_NeverEvictAnotherStoresSitemap()
    {
        var products = Products(20);
        var entry = new StoreSitemap(products, SitemapCache.MaxUrlsPerDocument);
        // Room for the two stores' entries and little more: any document kept beyond a store's own share would evict.
        using var cache = new SitemapCache(maxCharacters: (2 * (entry.CatalogCharacters + entry.RenderedBudget)) + 100);
        var (store, other) = (new CountingCatalog(products), new CountingCatalog(products));

        await RenderAsync(cache, Other, () => other.LoadAsync(Task.CompletedTask), "http://other.test");
        for (var port = 1; port <= 500; port++)
        {
            await RenderAsync(cache, Store, () => store.LoadAsync(Task.CompletedTask), $"http://store.test:{port}");
        }

        await RenderAsync(cache, Other, () => other.LoadAsync(Task.CompletedTask), "http://other.test");

        Assert.Equal(1, store.Passes);
        Assert.Equal(1, other.Passes);
    }

    [Fact]
    public async Task GetAsync_StoreWhoseDocumentsWouldOutgrowTheCache_KeepsItsCatalogPass()
    {
        var products = Products(20);
        var entry = new StoreSitemap(products, SitemapCache.MaxUrlsPerDocument);
        // The catalog's part fits with room to spare; the documents of four origins would not.
        using var cache = new SitemapCache(maxCharacters: 4 * entry.CatalogCharacters);
        Assert.True(entry.CatalogCharacters + entry.RenderedBudget > 4 * entry.CatalogCharacters);
        var catalog = new CountingCatalog(products);

        for (var port = 1; port <= 10; port++)
        {
            await RenderAsync(cache, Store, () => catalog.LoadAsync(Task.CompletedTask), $"http://store.test:{port}");
        }

        Assert.Equal(1, catalog.Passes);
    }

    private static async Task<string> RenderAsync(SitemapCache cache, TenantId tenant, Func<Task<IReadOnlyList<SitemapProduct>>> load, string origin) =>
        (await cache.GetAsync(tenant, load)).Document(origin, StoreSitemap.Root)!;

    private static List<SitemapProduct> Products(int count) =>
        [.. Enumerable.Range(0, count).Select(index => new SitemapProduct($"product-{index}", DateTimeOffset.UnixEpoch.AddDays(index)))];

    private sealed class CountingCatalog(IReadOnlyList<SitemapProduct> products)
    {
        private int _passes;

        public int Passes => _passes;

        public async Task<IReadOnlyList<SitemapProduct>> LoadAsync(Task gate)
        {
            Interlocked.Increment(ref _passes);
            await gate;
            return products;
        }

        public async Task<IReadOnlyList<SitemapProduct>> FailAsync()
        {
            Interlocked.Increment(ref _passes);
            await Task.Yield();
            throw new InvalidOperationException("The catalog did not answer.");
        }
    }
}
