using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Catalog;

namespace MultiStore.Api.Features.Catalog.UpdateProduct;

/// <summary>PUT /admin/products/{handle}: changes a product's name, category, price, description or status.</summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, ProductResponse>
{
    public override void Configure()
    {
        Put("/admin/products/{handle}");
        Policies(StorePermissions.Policy(StorePermissions.CatalogWrite));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Update a product (its SKUs never change)").ProducesProblem(404).ProducesProblem(422));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        ProductStatus? status = req.Status switch
        {
            "active" => ProductStatus.Active,
            "archived" => ProductStatus.Archived,
            _ => null,
        };
        var settings = await grains.Catalog().GetSettingsAsync();
        if (CatalogRequestRules.PriceRefusal(req.Price, settings.Currency) is { } refusal)
        {
            ThrowError(request => request.Price, refusal);
        }

        var product = await grains.Catalog().UpdateProductAsync(req.Handle, new ProductChange(req.Name, req.Category, req.Price, req.Description, status));
        await Send.OkAsync(ProductResponse.From(product), ct);
    }
}
