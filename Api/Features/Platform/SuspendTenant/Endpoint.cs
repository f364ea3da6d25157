using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Features.Platform.SuspendTenant;

/// <summary>POST /platform/tenants/{id}/suspend: the store's domains answer 403 until it is resumed; idempotent.</summary>
public sealed class Endpoint(PlatformGrains platform) : Endpoint<Request, TenantResponse>
{
    public override void Configure()
    {
        Post("/platform/tenants/{id}/suspend");
        Roles(PlatformRoles.Operator);
        Description(endpoint => endpoint.WithTags("Platform").WithSummary("Suspend a store").ProducesProblem(404));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var profile = await platform.SetStatusAsync(TenantId.Parse(req.Id), TenantStatus.Suspended, User.ActorName());
        await Send.OkAsync(TenantResponse.From(profile), ct);
    }
}
