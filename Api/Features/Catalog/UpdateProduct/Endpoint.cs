using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Catalog;
using MultiStore.Grains.Interfaces.Common;

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
        // The store's currency is not checked here, as create does: only the catalog knows whether the price is the
        // one stored, which passes unchanged even if stored before the currency rule (re-sending an edited form).
        // Its refusal of a new price is answered as create's check answers, naming the price field.
        Product product;
        try
        {
            product = await grains.Catalog().UpdateProductAsync(req.Handle, new ProductChange(req.Name, req.Category, req.Price, req.Description, status));
        }
        catch (StoreRuleException refusal) when (refusal.Code == RuleCodes.InvalidPrice)
        {
            ThrowError(request => request.Price, refusal.Message);
            throw;
        }

        await Send.OkAsync(ProductResponse.From(product), ct);
    }
}
