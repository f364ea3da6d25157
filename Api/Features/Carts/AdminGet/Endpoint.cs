using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Carts.AdminGet;

/// <summary>GET /admin/carts/{cartId}: a cart as support sees it when helping a shopper.</summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, CartResponse>
{
    public override void Configure()
    {
        Get("/admin/carts/{cartId}");
        Policies(StorePermissions.Policy(StorePermissions.CartsRead));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Read a cart (support)").ProducesProblem(404));
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
