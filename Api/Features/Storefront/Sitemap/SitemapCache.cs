using Microsoft.Extensions.Caching.Memory;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Features.Storefront.Sitemap;

/// <summary>
/// The sitemaps this Api process built lately, keyed by store and origin (a store's documents name its own host, and
/// no store's document is ever another's). Anyone may ask for a sitemap as often as the storefront's limits allow, and
/// building one pages through the store's whole catalog: asked again within <see cref="Lifetime"/>, the same document
/// is sent. Bounded by the characters it holds.
/// </summary>
public sealed class SitemapCache : IDisposable
{
    /// <summary>How long a built sitemap is sent again (crawlers read it daily; a new product shows within this).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private const long MaxCharacters = 64L * 1024 * 1024;

    private readonly MemoryCache _documents = new(new MemoryCacheOptions { SizeLimit = MaxCharacters });

    public async Task<string> GetOrBuildAsync(TenantId tenant, string origin, Func<Task<string>> build)
    {
        var key = $"{tenant.Value}|{origin}";
        if (_documents.TryGetValue(key, out string? cached) && cached is not null)
        {
            return cached;
        }

        var document = await build();
        _documents.Set(key, document, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = Lifetime, Size = Math.Max(1, document.Length) });
        return document;
    }

    public void Dispose() => _documents.Dispose();
}
