using FastEndpoints;
using Microsoft.Extensions.Options;
using MultiStore.Api.Hosting;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Carts;
using MultiStore.Grains.Interfaces.Catalog;
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

        var zone = req.Zone ?? await grains.DefaultZoneAsync();
        var cart = grains.Cart(req.CartId);
        // Three independent reads, asked at once: a shopper waits for one round trip, not three.
        var stocked = grains.Stock(req.Sku, zone).IsStockedAsync();
        var forSale = req.Quantity > 0 ? grains.Catalog().FindSkusAsync([req.Sku]) : Task.FromResult<IReadOnlyList<SkuInfo>>([]);
        var current = req.Quantity > 0 ? cart.GetAsync() : Task.FromResult<CartView?>(null);
        await Task.WhenAll(stocked, forSale, current);

        // Only SKUs stocked in the zone can be put in a cart; asking an unknown entry reserves nothing. A gate only:
        // it does not wait for the entry's batch in flight (the reservation itself is answered once durable).
        if (!await stocked)
        {
            await Send.ResultAsync(ApiProblem.NotFound("SKU in this zone"));
            return;
        }

        // A SKU of an archived product is no longer for sale (SKUs the catalog never issued are sold as stocked).
        if (await forSale is [{ Status: ProductStatus.Archived }])
        {
            await Send.ResultAsync(ApiProblem.NotFound("SKU for sale"));
            return;
        }

        // The storefront's cap on lines, below the grain's own hard limit; an existing line can always change.
        var maxLines = limits.MaxLinesPerCart;
        if (await current is { } view && view.Lines.Count >= maxLines && view.Lines.All(line => line.Sku != req.Sku))
        {
            await Send.ResultAsync(ApiProblem.Create(StatusCodes.Status409Conflict, RuleCodes.CartFull, "Cart is full", $"A cart holds at most {maxLines} lines."));
            return;
        }

        var change = await cart.SetItemAsync(req.Sku, zone, req.Quantity!.Value);
        if (change.Shortage is { } shortage)
        {
            await Send.ResultAsync(ApiProblem.InsufficientStock(shortage));
            return;
        }

        await Send.OkAsync(CartResponse.From(change.Cart), ct);
    }
}
