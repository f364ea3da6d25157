using FastEndpoints;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Stock.GetAvailability;

/// <summary>GET /api/stock/{sku}: the storefront's view of a SKU's availability.</summary>
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
        var levels = (await grains.Sku(req.Sku).GetLevelsAsync()).Where(level => level.IsStocked).ToList();
        if (levels.Count == 0)
        {
            await Send.ResultAsync(ApiProblem.NotFound("SKU"));
            return;
        }

        await Send.OkAsync(Response.From(req.Sku, levels), ct);
    }
}
