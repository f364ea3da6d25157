using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Stock.GetLevels;

/// <summary>GET /admin/stock/{sku}: on hand, reserved, safety stock and available per zone.</summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/admin/stock/{sku}");
        Policies(StorePermissions.Policy(StorePermissions.StockRead));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Stock levels of a SKU in every zone").ProducesProblem(404));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var levels = (await grains.Sku(req.Sku).GetLevelsAsync()).Where(level => level.IsStocked).ToList();
        if (levels.Count == 0)
        {
            await Send.ResultAsync(ApiProblem.NotFound("SKU"));
            return;
        }

        await Send.OkAsync(new Response(req.Sku, [.. levels.Select(ZoneLevel.From)]), ct);
    }
}
