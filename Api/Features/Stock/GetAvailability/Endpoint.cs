using FastEndpoints;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Catalog;

namespace MultiStore.Api.Features.Stock.GetAvailability;

/// <summary>GET /api/stock/{sku}: the storefront's view of a SKU's availability (none for a SKU of an archived product).</summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/api/stock/{sku}");
        AllowAnonymous();
        Description(endpoint => endpoint.WithTags("Storefront").WithSummary("Availability of a SKU across zones").ProducesProblem(404));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        // An archived product's SKUs are not for sale, so a shopper finds them as GET /api/products/{handle} finds the
        // product: not there. A SKU the catalog never issued (stock set up directly) is shown, as carts sell it.
        var catalogRead = grains.Catalog().FindSkusAsync([req.Sku]);
        var levels = (await grains.Sku(req.Sku).GetLevelsAsync()).Where(level => level.IsStocked).ToList();
        var archived = await catalogRead is [{ Status: ProductStatus.Archived }];
        if (levels.Count == 0 || archived)
        {
            await Send.ResultAsync(ApiProblem.NotFound("SKU"));
            return;
        }

        await Send.OkAsync(Response.From(req.Sku, levels), ct);
    }
}
