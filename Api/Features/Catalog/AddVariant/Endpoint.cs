using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Catalog.AddVariant;

/// <summary>
/// POST /admin/products/{handle}/variants: adds a variant and issues its SKU. Naming the attributes of an existing
/// variant changes nothing (the product is answered as it is), so a retry never issues a second SKU.
/// </summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, ProductResponse>
{
    public override void Configure()
    {
        Post("/admin/products/{handle}/variants");
        Policies(StorePermissions.Policy(StorePermissions.CatalogWrite));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Add a variant and issue its SKU").ProducesProblem(404).ProducesProblem(422));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var product = await grains.Catalog().AddVariantAsync(req.Handle, req.Attributes!);
        await Send.OkAsync(ProductResponse.From(product), ct);
    }
}
