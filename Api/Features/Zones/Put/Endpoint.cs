using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Zones.Put;

/// <summary>PUT /admin/zones/{zone}: adds a zone or renames it, optionally making it the default. Idempotent.</summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, ZonesResponse>
{
    public override void Configure()
    {
        Put("/admin/zones/{zone}");
        Policies(StorePermissions.Policy(StorePermissions.ZonesWrite));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Add or rename a warehouse zone").ProducesProblem(400));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct) =>
        await Send.OkAsync(ZonesResponse.From(await grains.Warehouse().PutZoneAsync(req.Zone, req.Name!.Trim(), req.IsDefault == true)), ct);
}
