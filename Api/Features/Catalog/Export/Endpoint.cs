using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Catalog;
using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Api.Features.Catalog.Export;

/// <summary>
/// GET /admin/catalog/export: the whole catalog (archived products too) as CSV in the import's format, streamed a page
/// of products at a time: one row per variant and stocked zone with its on-hand and safety stock, or one row without a
/// zone for a variant stocked nowhere. Importing the export again changes nothing, even after sales made since: each
/// on-hand is also written as its count's basis (<see cref="CatalogCsv.OnHandBasis"/>), each safety stock as its own
/// (<see cref="CatalogCsv.SafetyStockBasis"/>).
/// </summary>
public sealed class Endpoint(TenantGrains grains) : EndpointWithoutRequest
{
    private const int PageSize = 200;

    public override void Configure()
    {
        Get("/admin/catalog/export");
        Policies(StorePermissions.Policy(StorePermissions.CatalogRead), StorePermissions.Policy(StorePermissions.StockRead));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Export the catalog and stock as CSV").Produces<string>(200, CatalogCsv.ContentType));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        // The first page, with its stock, is read before a byte is written: a refusal by the silo or an unavailable
        // cluster then still answers as a problem (403, 503) instead of a 200 whose CSV stops after the header.
        var catalog = grains.Catalog();
        var page = await ReadPageAsync(catalog, 0);
        HttpContext.Response.ContentType = $"{CatalogCsv.ContentType}; charset=utf-8";
        HttpContext.Response.Headers.ContentDisposition = "attachment; filename=\"catalog.csv\"";
        await using var writer = new StreamWriter(HttpContext.Response.Body, leaveOpen: true);
        await writer.WriteAsync(CsvStream.Line(CatalogCsv.Columns));
        for (var skip = 0; ; skip += PageSize)
        {
            foreach (var (product, levels) in page.Products)
            {
                foreach (var (variant, variantLevels) in product.Variants.Zip(levels))
                {
                    var stocked = variantLevels.Where(level => level.IsStocked).ToList();
                    var rows = stocked.Count == 0
                        ? [CatalogCsv.Format(product, variant, null, null, null)]
                        : stocked.Select(level => CatalogCsv.Format(product, variant, level.Zone, level.OnHand, level.SafetyStock));
                    foreach (var row in rows)
                    {
                        await writer.WriteAsync(CsvStream.Line(row));
                    }
                }
            }

            if (!page.More)
            {
                break;
            }

            page = await ReadPageAsync(catalog, skip + PageSize);
        }

        await writer.FlushAsync(ct);
    }

    private async Task<Page> ReadPageAsync(ICatalogGrain catalog, int skip)
    {
        var page = await catalog.ListAsync(new ProductQuery(null, null, skip, PageSize));
        var products = new List<(Product, IReadOnlyList<StockLevel>[])>(page.Items.Count);
        foreach (var product in page.Items)
        {
            products.Add((product, await Task.WhenAll(product.Variants.Select(variant => grains.Sku(variant.Sku).GetLevelsAsync()))));
        }

        return new Page(products, More: page.Items.Count == PageSize);
    }

    /// <summary>A page of products, each with its variants' stock levels (in variant order).</summary>
    private sealed record Page(IReadOnlyList<(Product Product, IReadOnlyList<StockLevel>[] Levels)> Products, bool More);
}
