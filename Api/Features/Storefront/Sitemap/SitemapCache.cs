using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Features.Storefront.Sitemap;

/// <summary>
/// The sitemaps this Api process built lately, one per store (<see cref="StoreSitemap"/>). Anyone may ask for a
/// sitemap as often as the storefront's limits allow, on any port they write into the Host header, and building one
/// pages through the store's whole catalog, through the one grain that also prices every checkout: so a store's
/// catalog is read at most once per <see cref="Lifetime"/> whatever the origins asked, and requests that arrive while
/// it is read wait for that one read. Bounded by the characters it holds; a store's entry is charged, when made, for
/// its catalog and the rendered documents it may keep, so no origin asked of one store evicts another store's sitemap.
/// </summary>
/// <param name="urlsPerDocument">URLs in one document; lower only in tests, to see paging without 50,000 products.</param>
/// <param name="maxCharacters">What all stores' entries may hold together; lower only in tests.</param>
public sealed class SitemapCache(int urlsPerDocument = SitemapCache.MaxUrlsPerDocument, long maxCharacters = SitemapCache.DefaultMaxCharacters)
    : IDisposable
{
    /// <summary>How long a catalog pass is used again (crawlers read sitemaps daily; a new product shows within this).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    /// <summary>The sitemaps.org limit of URLs in one document.</summary>
    public const int MaxUrlsPerDocument = 50_000;

    public const long DefaultMaxCharacters = 64L * 1024 * 1024;

    private readonly MemoryCache _stores = new(new MemoryCacheOptions { SizeLimit = maxCharacters });
    private readonly ConcurrentDictionary<string, Lazy<Task<StoreSitemap>>> _passes = new(StringComparer.Ordinal);

    /// <summary>The sitemap of the request's store, passing over its catalog when the last pass is older than <see cref="Lifetime"/>.</summary>
    public Task<StoreSitemap> GetAsync(TenantGrains grains) =>
        GetAsync(grains.Tenant, () => SitemapProduct.LoadAllAsync(grains.Catalog()));

    /// <summary>The store's sitemap, from the last pass over its catalog if younger than <see cref="Lifetime"/>.</summary>
    /// <param name="loadProducts">One pass over the store's catalog; called by at most one request at a time per store.</param>
    public async Task<StoreSitemap> GetAsync(TenantId tenant, Func<Task<IReadOnlyList<SitemapProduct>>> loadProducts)
    {
        var key = tenant.Value;
        if (_stores.TryGetValue(key, out StoreSitemap? cached) && cached is not null)
        {
            return cached;
        }

        // Lazy: GetOrAdd may run its factory on several threads at once, but only the Lazy it keeps is started.
        var pass = _passes.GetOrAdd(key, _ => new Lazy<Task<StoreSitemap>>(() => BuildAsync(key, loadProducts)));
        try
        {
            return await pass.Value;
        }
        finally
        {
            // Only this pass: a later one for the store may already be under way.
            _passes.TryRemove(KeyValuePair.Create(key, pass));
        }
    }

    private async Task<StoreSitemap> BuildAsync(string key, Func<Task<IReadOnlyList<SitemapProduct>>> loadProducts)
    {
        // A pass that ended between this request's miss and its joining would otherwise be followed by a second one.
        if (_stores.TryGetValue(key, out StoreSitemap? cached) && cached is not null)
        {
            return cached;
        }

        // Rendered documents get at most a quarter of the cache: an entry the cache could not take would be built
        // again on every request, and the catalog's part of a big store must stay kept.
        var sitemap = new StoreSitemap(await loadProducts(), urlsPerDocument, maxCharacters / 4);
        _stores.Set(key, sitemap, new MemoryCacheEntryOptions
        {
            AbsoluteExpirationRelativeToNow = Lifetime,
            Size = sitemap.CatalogCharacters + sitemap.RenderedBudget,
        });
        return sitemap;
    }

    public void Dispose() => _stores.Dispose();
}
