using FastEndpoints;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Carts.Get;

/// <summary>GET /api/carts/{cartId}: the shopper's cart.</summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, CartResponse>
{
    public override void Configure()
    {
        Get("/api/carts/{cartId}");
        AllowAnonymous();
        Description(endpoint => endpoint.WithTags("Storefront").WithSummary("Read a cart").ProducesProblem(404));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var cart = await grains.Cart(req.CartId).GetAsync();
        if (cart is null)
        {
            await Send.ResultAsync(ApiProblem.NotFound("cart"));
            return;
        }

        await Send.OkAsync(CartResponse.From(cart), ct);
    }
}
