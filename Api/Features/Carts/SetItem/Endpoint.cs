using FastEndpoints;
using Microsoft.Extensions.Options;
using MultiStore.Api.Hosting;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Carts;
using MultiStore.Grains.Interfaces.Common;

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
        // Caps against hoarding (CartLimits), read per request: validators are built once per process.
        var limits = Resolve<IOptions<CartLimitsOptions>>().Value;
        if (req.Quantity > limits.MaxQuantityPerLine)
        {
            AddError(request => request.Quantity, $"A cart line holds at most {limits.MaxQuantityPerLine} units.");
            ThrowIfAnyErrors();
        }

        // The storefront's gates (stocked in the zone, still for sale, the cap on lines) and the default zone when the
        // shopper names none are settled by the cart itself, next to the data, in the call that reserves: one round
        // trip to the cluster.
        var maxLines = limits.MaxLinesPerCart;
        var change = await grains.Cart(req.CartId).SetItemForShopperAsync(req.Sku, req.Zone, req.Quantity!.Value, maxLines);
        switch (change.Refusal)
        {
            case CartRefusal.NotStocked:
                await Send.ResultAsync(ApiProblem.NotFound("SKU in this zone"));
                return;
            case CartRefusal.NotForSale:
                await Send.ResultAsync(ApiProblem.NotFound("SKU for sale"));
                return;
            case CartRefusal.CartFull:
                await Send.ResultAsync(ApiProblem.Create(StatusCodes.Status409Conflict, RuleCodes.CartFull, "Cart is full", $"A cart holds at most {maxLines} lines."));
                return;
        }

        if (change.Shortage is { } shortage)
        {
            await Send.ResultAsync(ApiProblem.InsufficientStock(shortage));
            return;
        }

        await Send.OkAsync(CartResponse.From(change.Cart), ct);
    }
}
