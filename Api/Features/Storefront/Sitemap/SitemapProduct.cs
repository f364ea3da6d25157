using MultiStore.Grains.Interfaces.Catalog;

namespace MultiStore.Api.Features.Storefront.Sitemap;

/// <summary>What a sitemap says of one active product: where it lives (its handle) and when it last changed.</summary>
public sealed record SitemapProduct(string Handle, DateTimeOffset UpdatedAt)
{
    private const int PageSize = 1000;

    /// <summary>Every active product of the store, in creation order: one pass over its catalog, a page at a time.</summary>
    public static async Task<IReadOnlyList<SitemapProduct>> LoadAllAsync(ICatalogGrain catalog)
    {
        var products = new List<SitemapProduct>();
        // By cursor over the order products were created in, which only grows at its end: no product is skipped or
        // listed twice when another is archived or brought back between two pages.
        int? after = 0;
        while (after is { } position)
        {
            var page = await catalog.ListAsync(new ProductQuery(ProductStatus.Active, null, 0, PageSize, position));
            products.AddRange(page.Items.Select(product => new SitemapProduct(product.Handle, product.UpdatedAt)));
            after = page.Next;
        }

        return products;
    }
}
