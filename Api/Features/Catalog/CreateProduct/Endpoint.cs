using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Catalog;

namespace MultiStore.Api.Features.Catalog.CreateProduct;

/// <summary>
/// POST /admin/products: creates a product; the store issues its code and one SKU per variant
/// (<c>{prefix}-{category}-{number}-{attribute codes}</c>), unique in the store and never regenerated.
/// </summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, ProductResponse>
{
    public override void Configure()
    {
        Post("/admin/products");
        Policies(StorePermissions.Policy(StorePermissions.CatalogWrite));
        Description(endpoint => endpoint
            .WithTags("Store admin")
            .WithSummary("Create a product and issue its SKUs")
            .Produces<ProductResponse>(StatusCodes.Status201Created)
            .ProducesProblem(409)
            .ProducesProblem(422));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var settings = await grains.Catalog().GetSettingsAsync();
        if (CatalogRequestRules.PriceRefusal(req.Price, settings.Currency) is { } refusal)
        {
            ThrowError(request => request.Price, refusal);
        }

        var draft = new ProductDraft(
            req.Handle ?? CatalogRequestRules.HandleFrom(req.Name!),
            req.Name!,
            req.Category!,
            req.Price!.Value,
            [.. (req.Variants ?? []).Select(variant => (IReadOnlyDictionary<string, string>)(variant.Attributes ?? []))],
            req.Description);
        var product = await grains.Catalog().CreateProductAsync(draft);
        HttpContext.Response.Headers.Location = $"/admin/products/{product.Handle}";
        await Send.ResponseAsync(ProductResponse.From(product), StatusCodes.Status201Created, ct);
    }
}
