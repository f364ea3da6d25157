using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Api.Features.Stock.SetLevel;

/// <summary>
/// PUT /admin/stock/{sku}/{zone}: sets on-hand (a stock count); this is also how a SKU is first stocked in a zone, one the
/// warehouse lists (see <see cref="StockZones"/>).
/// </summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, StockLevelResponse>
{
    public override void Configure()
    {
        Put("/admin/stock/{sku}/{zone}");
        Policies(StorePermissions.Policy(StorePermissions.StockWrite));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Set on-hand (and safety stock) of a SKU in a zone").ProducesProblem(409).ProducesProblem(422));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        // Before the SKU is claimed (by StockByHandAsync): a refused zone changes nothing, not even the catalog's claims.
        if (!await StockZones.AcceptsAsync(grains, req.Sku, req.Zone))
        {
            await Send.ResultAsync(ApiProblem.Create(
                StatusCodes.Status422UnprocessableEntity, StockZones.UnknownZone, "Unknown zone", StockZones.Unknown(req.Zone)));
            return;
        }

        // Through the SKU, which claims the code from the catalog (so no variant issued later takes over this stock),
        // decides its zone cap, sets the entry and lists the zone as one step: a zone beyond the cap is refused before
        // its entry is stocked, and a refused count gives back a claim it made, so a refusal changes nothing, even among
        // concurrent requests. A basis is compared in the entry itself, as the import's is: no sale can fall between the
        // comparison and the set.
        var level = await grains.Sku(req.Sku).StockByHandAsync(req.Zone, new StockAdjustment(null, req.OnHand, req.SafetyStock, "set", OnHandBasis: req.OnHandBasis));
        await Send.OkAsync(StockLevelResponse.From(level), ct);
    }
}
