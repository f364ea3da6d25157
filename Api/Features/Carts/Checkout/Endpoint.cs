using FastEndpoints;
using MultiStore.Api.Features.Orders;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Carts.Checkout;

/// <summary>
/// POST /api/carts/{cartId}/checkout: turns the cart into an order that holds its stock for the payment window.
/// 201 with a Location when this request placed the order; 200 with the same order when the cart had already been
/// checked out (a retried checkout never places a second order).
/// </summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, OrderResponse>
{
    public override void Configure()
    {
        Post("/api/carts/{cartId}/checkout");
        AllowAnonymous();
        Description(endpoint => endpoint
            .WithTags("Storefront")
            .WithSummary("Check out a cart into an order pending payment")
            .Produces<OrderResponse>(StatusCodes.Status201Created)
            .Produces<OrderResponse>(StatusCodes.Status200OK)
            .ProducesProblem(404)
            .ProducesProblem(409));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var cart = grains.Cart(req.CartId);
        if (await cart.GetAsync() is null)
        {
            await Send.ResultAsync(ApiProblem.NotFound("cart"));
            return;
        }

        var result = await cart.CheckoutAsync();
        if (result.Shortage is { } shortage)
        {
            await Send.ResultAsync(ApiProblem.InsufficientStock(shortage));
            return;
        }

        var order = OrderResponse.From(result.Order ?? throw new InvalidOperationException("Checkout returned neither an order nor a shortage."));
        // Told by the cart, not read before the call: of two checkouts sent at once, only the one that placed the order
        // answers 201.
        if (result.AlreadyCheckedOut)
        {
            await Send.OkAsync(order, ct);
            return;
        }

        HttpContext.Response.Headers.Location = $"/api/orders/{order.OrderId}";
        await Send.ResponseAsync(order, StatusCodes.Status201Created, ct);
    }
}
