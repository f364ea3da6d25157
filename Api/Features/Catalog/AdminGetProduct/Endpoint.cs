using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Catalog.AdminGetProduct;

/// <summary>GET /admin/products/{handle}: a product, archived or not, with its SKUs.</summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, ProductResponse>
{
    public override void Configure()
    {
        Get("/admin/products/{handle}");
        Policies(StorePermissions.Policy(StorePermissions.CatalogRead));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Read a product").ProducesProblem(404));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var product = await grains.Catalog().GetProductAsync(req.Handle);
        if (product is null)
        {
            await Send.ResultAsync(ApiProblem.NotFound("product"));
            return;
        }

        await Send.OkAsync(ProductResponse.From(product), ct);
    }
}
