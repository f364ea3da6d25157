namespace MultiStore.Api.Features.Storefront.Sitemap;

/// <summary>
/// One store's sitemap as of one pass over its catalog, for any origin it is asked on. The URLs are the home page,
/// then one per active product; when they fit in one document (<see cref="UrlsPerDocument"/>), <c>/sitemap.xml</c>
/// lists them all, else it is an index of pages (<c>/sitemaps/{page}.xml</c>, from 1) of that many URLs each. The
/// documents of the first <see cref="MaxCachedOrigins"/> origins asked are kept, within <see cref="RenderedBudget"/>
/// characters; any other origin (a port a client made up in its Host header) is rendered afresh, which costs this
/// process some work but never the store's catalog.
/// </summary>
public sealed class StoreSitemap
{
    /// <summary>The part that stands for <c>/sitemap.xml</c> itself; pages count from 1.</summary>
    public const int Root = 0;

    /// <summary>Origins whose documents are kept (a store's host, with and without www, http and https).</summary>
    public const int MaxCachedOrigins = 4;

    // A rendered URL costs its location (origin, "/products/", the escaped handle) and ~70 characters of markup.
    private const int CharactersPerUrl = 160;

    private readonly IReadOnlyList<SitemapProduct> _products;
    private readonly Dictionary<(string Origin, int Part), string> _rendered = [];
    private readonly HashSet<string> _origins = new(StringComparer.Ordinal);
    private long _renderedCharacters;

    /// <param name="maxRenderedCharacters">
    /// The most the rendered documents may take whatever the catalog's size, so a big store's entry still fits its cache.
    /// </param>
    public StoreSitemap(IReadOnlyList<SitemapProduct> products, int urlsPerDocument, long maxRenderedCharacters = long.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(urlsPerDocument, 2);
        _products = products;
        UrlsPerDocument = urlsPerDocument;
        var urls = products.Count + 1;
        PageCount = (urls + urlsPerDocument - 1) / urlsPerDocument;
        CatalogCharacters = 64 + products.Sum(product => (long)product.Handle.Length + 32);
        RenderedBudget = Math.Min(maxRenderedCharacters, MaxCachedOrigins * (512 + products.Sum(product => (long)product.Handle.Length + CharactersPerUrl)));
    }

    public int UrlsPerDocument { get; }

    /// <summary>Pages of at most <see cref="UrlsPerDocument"/> URLs; 1 for a store whose URLs fit in one document.</summary>
    public int PageCount { get; }

    /// <summary>True when <c>/sitemap.xml</c> is an index of pages rather than the URLs themselves.</summary>
    public bool IsIndex => PageCount > 1;

    /// <summary>What the catalog's part holds, in characters.</summary>
    public long CatalogCharacters { get; }

    /// <summary>The most characters kept in rendered documents: the store's own share, fixed when the pass was made.</summary>
    public long RenderedBudget { get; }

    /// <summary>
    /// <c>/sitemap.xml</c> (<see cref="Root"/>) or one page of it, naming <paramref name="origin"/>; null for a page
    /// beyond the last.
    /// </summary>
    public string? Document(string origin, int part)
    {
        if (part < Root || part > PageCount)
        {
            return null;
        }

        lock (_rendered)
        {
            if (_rendered.TryGetValue((origin, part), out var kept))
            {
                return kept;
            }
        }

        var document = Render(origin, part);
        lock (_rendered)
        {
            var known = _origins.Contains(origin);
            if ((known || _origins.Count < MaxCachedOrigins) && _renderedCharacters + document.Length <= RenderedBudget
                && _rendered.TryAdd((origin, part), document))
            {
                _origins.Add(origin);
                _renderedCharacters += document.Length;
            }
        }

        return document;
    }

    private string Render(string origin, int part)
    {
        if (part == Root && IsIndex)
        {
            return SitemapXml.Index(Enumerable.Range(1, PageCount).Select(page => (StorefrontUrls.SitemapPage(origin, page), LastChangeOf(page))));
        }

        var page = part == Root ? 1 : part;
        return SitemapXml.UrlSet(Urls(origin).Skip((page - 1) * UrlsPerDocument).Take(UrlsPerDocument));
    }

    private IEnumerable<(string Location, DateTimeOffset? LastModified)> Urls(string origin)
    {
        yield return ($"{origin}/", null);
        foreach (var product in _products)
        {
            yield return (StorefrontUrls.Product(origin, product.Handle), product.UpdatedAt);
        }
    }

    // The latest change among a page's products (the home page, first of page 1, has none of its own).
    private DateTimeOffset? LastChangeOf(int page)
    {
        var first = Math.Max(0, ((page - 1) * UrlsPerDocument) - 1);
        var end = Math.Min(_products.Count, (page * UrlsPerDocument) - 1);
        DateTimeOffset? latest = null;
        for (var index = first; index < end; index++)
        {
            if (latest is null || _products[index].UpdatedAt > latest)
            {
                latest = _products[index].UpdatedAt;
            }
        }

        return latest;
    }
}
