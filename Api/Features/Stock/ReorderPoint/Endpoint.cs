using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Stock.ReorderPoint;

/// <summary>
/// PUT /admin/stock/{sku}/{zone}/reorder-point: sets (or with null clears) the entry's reorder threshold. Whenever its
/// available units fall to or below it — a sale, a reservation, an adjustment, or a threshold set above the current
/// level — the store gets a low-stock alert (<c>GET /admin/alerts</c>, and its webhook if one is set).
/// </summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, StockLevelResponse>
{
    public override void Configure()
    {
        Put("/admin/stock/{sku}/{zone}/reorder-point");
        Policies(StorePermissions.Policy(StorePermissions.AlertsWrite));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Set the low-stock threshold of a SKU in a zone").ProducesProblem(404));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var stock = grains.Stock(req.Sku, req.Zone);
        // A threshold belongs to stock that exists: it never stocks a SKU in a zone by itself.
        if (!(await stock.GetAsync()).IsStocked)
        {
            await Send.ResultAsync(ApiProblem.NotFound("stock entry"));
            return;
        }

        await Send.OkAsync(StockLevelResponse.From(await stock.SetReorderPointAsync(req.ReorderPoint)), ct);
    }
}
