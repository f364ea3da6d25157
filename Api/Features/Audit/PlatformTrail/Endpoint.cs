using FastEndpoints;
using MultiStore.Api.Audit;
using MultiStore.Api.Auth;
using MultiStore.Api.Problems;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Features.Audit.PlatformTrail;

/// <summary>
/// GET /platform/audit?tenant=&amp;before=&amp;take=: any store's audit trail (with <c>tenant</c>) or the platform's own,
/// newest first, for a platform operator.
/// </summary>
public sealed class Endpoint(AuditTrails trails) : Endpoint<Request, AuditPageResponse>
{
    public override void Configure()
    {
        Get("/platform/audit");
        Roles(PlatformRoles.Operator);
        Description(endpoint => endpoint.WithTags("Platform").WithSummary("A store's or the platform's audit trail").ProducesProblem(404));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var take = req.Take ?? AuditPaging.DefaultTake;
        if (req.Tenant is null)
        {
            await Send.OkAsync(AuditPageResponse.From(await trails.ReadPlatformAsync(req.Before, take, User.ActorName())), ct);
            return;
        }

        var page = await trails.ReadStoreAsync(TenantId.Parse(req.Tenant), req.Before, take, User.ActorName());
        if (page is null)
        {
            await Send.ResultAsync(ApiProblem.Create(StatusCodes.Status404NotFound, ApiProblemCodes.StoreNotFound, "Store not found", "No store has this id."));
            return;
        }

        await Send.OkAsync(AuditPageResponse.From(page), ct);
    }
}
