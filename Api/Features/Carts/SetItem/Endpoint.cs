using FastEndpoints;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Catalog;

namespace MultiStore.Api.Features.Carts.SetItem;

/// <summary>
/// PUT /api/carts/{cartId}/items/{sku}: sets a line to exactly the quantity asked for, reserving (or releasing) the
/// difference at once. The cart id is made by the client; the first line creates the cart.
/// </summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, CartResponse>
{
    public override void Configure()
    {
        Put("/api/carts/{cartId}/items/{sku}");
        AllowAnonymous();
        Description(endpoint => endpoint.WithTags("Storefront").WithSummary("Set a cart line's quantity (0 removes it)").ProducesProblem(404).ProducesProblem(409));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var zone = req.Zone ?? await grains.DefaultZoneAsync();
        // Only SKUs stocked in the zone can be put in a cart; asking an unknown entry reserves nothing.
        if (!(await grains.Stock(req.Sku, zone).GetAsync()).IsStocked)
        {
            await Send.ResultAsync(ApiProblem.NotFound("SKU in this zone"));
            return;
        }

        // A SKU of an archived product is no longer for sale (SKUs the catalog never issued are sold as stocked).
        if (req.Quantity > 0 && (await grains.Catalog().FindSkusAsync([req.Sku])) is [{ Status: ProductStatus.Archived }])
        {
            await Send.ResultAsync(ApiProblem.NotFound("SKU for sale"));
            return;
        }

        var change = await grains.Cart(req.CartId).SetItemAsync(req.Sku, zone, req.Quantity!.Value);
        if (change.Shortage is { } shortage)
        {
            await Send.ResultAsync(ApiProblem.InsufficientStock(shortage));
            return;
        }

        await Send.OkAsync(CartResponse.From(change.Cart), ct);
    }
}
