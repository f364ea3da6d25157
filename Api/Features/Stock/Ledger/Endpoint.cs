using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Stock.Ledger;

/// <summary>
/// GET /admin/stock/{sku}/{zone}/ledger?before=&amp;take=: a stock entry's history, newest first, a page at a time:
/// every change of on-hand (adjustments with their reason, sales) and every release or expiry of a reservation.
/// </summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, Response>
{
    public const int DefaultTake = 50;

    public override void Configure()
    {
        Get("/admin/stock/{sku}/{zone}/ledger");
        Policies(StorePermissions.Policy(StorePermissions.StockRead));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Page through a stock entry's ledger").ProducesProblem(404));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var stock = grains.Stock(req.Sku, req.Zone);
        if (!(await stock.GetAsync()).IsStocked)
        {
            await Send.ResultAsync(ApiProblem.NotFound("stock entry"));
            return;
        }

        var page = await stock.GetLedgerAsync(req.Before, req.Take ?? DefaultTake);
        await Send.OkAsync(Response.From(req.Sku, req.Zone, page), ct);
    }
}
