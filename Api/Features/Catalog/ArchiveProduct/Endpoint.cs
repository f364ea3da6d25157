using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Catalog;

namespace MultiStore.Api.Features.Catalog.ArchiveProduct;

/// <summary>
/// POST /admin/products/{handle}/archive: hides a product from the storefront (listing, product page, sitemap) and
/// from new cart lines; its SKUs stay issued and are never reused. Idempotent.
/// </summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, ProductResponse>
{
    public override void Configure()
    {
        Post("/admin/products/{handle}/archive");
        Policies(StorePermissions.Policy(StorePermissions.CatalogWrite));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Archive a product").ProducesProblem(404));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var product = await grains.Catalog().UpdateProductAsync(req.Handle, new ProductChange(Status: ProductStatus.Archived));
        await Send.OkAsync(ProductResponse.From(product), ct);
    }
}
