using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Api.Features.Stock.SetLevel;

/// <summary>PUT /admin/stock/{sku}/{zone}: sets on-hand (a stock count); this is also how a SKU is first stocked in a zone.</summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, StockLevelResponse>
{
    public override void Configure()
    {
        Put("/admin/stock/{sku}/{zone}");
        Policies(StorePermissions.Policy(StorePermissions.StockWrite));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Set on-hand (and safety stock) of a SKU in a zone").ProducesProblem(409));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        if (await grains.Catalog().FindSkuSpellingAsync(req.Sku) is { } issued && issued != req.Sku)
        {
            await Send.ResultAsync(ApiProblem.Create(StatusCodes.Status409Conflict, ApiProblemCodes.SkuSpelling, "SKU spelled differently",
                $"The catalog issued this SKU as '{issued}'; stock it under that spelling."));
            return;
        }

        // A zone beyond the SKU's cap is refused before its entry is stocked, so the refusal changes nothing.
        var sku = grains.Sku(req.Sku);
        await sku.EnsureZoneAllowedAsync(req.Zone);
        var level = await grains.Stock(req.Sku, req.Zone).AdjustAsync(new StockAdjustment(null, req.OnHand, req.SafetyStock, "set"));
        // After the entry exists, so the SKU never lists a zone without stock; AddZone is idempotent on a retry.
        await sku.AddZoneAsync(req.Zone);
        await Send.OkAsync(StockLevelResponse.From(level), ct);
    }
}
