using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Api.Features.Stock.Adjust;

/// <summary>
/// POST /admin/stock/{sku}/{zone}/adjustments: changes on-hand by a delta (delivery, damage, recount). With an
/// <c>Idempotency-Key</c> header a retry after a lost answer (a timeout, a 503 during failover) applies nothing.
/// </summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, StockLevelResponse>
{
    public override void Configure()
    {
        Post("/admin/stock/{sku}/{zone}/adjustments");
        Policies(StorePermissions.Policy(StorePermissions.StockWrite));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Adjust on-hand of a stocked SKU in a zone by a delta").ProducesProblem(404).ProducesProblem(409).ProducesProblem(422));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var stock = grains.Stock(req.Sku, req.Zone);
        // An adjustment changes an existing entry; stocking a new SKU or zone is the PUT's job.
        if (!(await stock.GetAsync()).IsStocked)
        {
            await Send.ResultAsync(ApiProblem.NotFound("stock entry"));
            return;
        }

        var reason = req.Kind is null ? req.Reason!.Trim() : $"{req.Kind}: {req.Reason!.Trim()}";
        var level = await stock.AdjustAsync(new StockAdjustment(req.Delta, null, null, reason, req.IdempotencyKey));
        await Send.OkAsync(StockLevelResponse.From(level), ct);
    }
}
