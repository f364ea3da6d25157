using FastEndpoints;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Carts.RemoveItem;

/// <summary>DELETE /api/carts/{cartId}/items/{sku}: removes a line and releases its units (a missing line is not an error).</summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, CartResponse>
{
    public override void Configure()
    {
        Delete("/api/carts/{cartId}/items/{sku}");
        AllowAnonymous();
        Description(endpoint => endpoint.WithTags("Storefront").WithSummary("Remove a cart line").ProducesProblem(404).ProducesProblem(409));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var cart = await grains.Cart(req.CartId).RemoveItemAsync(req.Sku);
        if (cart is null)
        {
            await Send.ResultAsync(ApiProblem.NotFound("cart"));
            return;
        }

        await Send.OkAsync(CartResponse.From(cart), ct);
    }
}
