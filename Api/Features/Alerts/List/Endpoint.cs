using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Alerts.List;

/// <summary>GET /admin/alerts?before=&amp;take=: the store's low-stock alerts, newest first, with their webhook delivery.</summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, Response>
{
    public const int DefaultTake = 50;

    public override void Configure()
    {
        Get("/admin/alerts");
        Policies(StorePermissions.Policy(StorePermissions.AlertsRead));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("Page through the store's low-stock alerts"));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct) =>
        await Send.OkAsync(Response.From(await grains.Alerts().PageAsync(req.Before, req.Take ?? DefaultTake)), ct);
}
