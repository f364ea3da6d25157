using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Features.Stock.GetLevels;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Stores.StockLevels;

/// <summary>
/// GET /admin/stores/stock/{sku}: one SKU across every active store the token owns (an owner of several brands
/// checking a shared product), per store and in total. Stores where the SKU is not stocked are left out.
/// </summary>
public sealed class Endpoint(OwnedStores stores) : Endpoint<Request, Response>
{
    public override void Configure()
    {
        Get("/admin/stores/stock/{sku}");
        Policies(StoreOwnerRequirement.Policy);
        Description(endpoint => endpoint.WithTags("Store owner").WithSummary("A SKU's stock across the stores this token owns"));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var reads = await stores.ReadEachAsync(User, async grains => await grains.Sku(req.Sku).GetLevelsAsync());
        var perStore = reads
            .Where(read => read.Value is { Count: > 0 })
            .Select(read => StoreLevels.From(read.Tenant.Value, [.. read.Value!.Where(level => level.IsStocked).Select(ZoneLevel.From)]))
            .Where(store => store.Zones.Count > 0)
            .ToList();
        await Send.OkAsync(new Response(req.Sku, perStore.Sum(store => store.OnHand), perStore.Sum(store => store.Reserved), perStore.Sum(store => store.Available), perStore), ct);
    }
}
