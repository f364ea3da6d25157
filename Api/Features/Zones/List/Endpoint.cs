using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Zones.List;

/// <summary>GET /admin/zones: the store's warehouse zones.</summary>
public sealed class Endpoint(TenantGrains grains) : EndpointWithoutRequest<ZonesResponse>
{
    public override void Configure()
    {
        Get("/admin/zones");
        Policies(StorePermissions.Policy(StorePermissions.StockRead));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("List warehouse zones"));
    }

    public override async Task HandleAsync(CancellationToken ct) =>
        await Send.OkAsync(ZonesResponse.From(await grains.Warehouse().GetAsync()), ct);
}
