using FastEndpoints;
using MultiStore.Api.Audit;
using MultiStore.Api.Auth;

namespace MultiStore.Api.Features.Audit.StoreTrail;

/// <summary>GET /admin/audit?before=&amp;take=: the store's audit trail, newest first, for its owner.</summary>
public sealed class Endpoint(AuditTrails trails) : Endpoint<Request, AuditPageResponse>
{
    public override void Configure()
    {
        Get("/admin/audit");
        Policies(StorePermissions.Policy(StorePermissions.AuditRead));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("The store's audit trail (owner)"));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var page = await trails.ReadOwnStoreAsync(req.Before, req.Take ?? AuditPaging.DefaultTake);
        await Send.OkAsync(AuditPageResponse.From(page), ct);
    }
}
