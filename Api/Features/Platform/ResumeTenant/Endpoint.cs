using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Features.Platform.ResumeTenant;

/// <summary>POST /platform/tenants/{id}/resume: the store serves again; idempotent.</summary>
public sealed class Endpoint(PlatformGrains platform) : Endpoint<Request, TenantResponse>
{
    public override void Configure()
    {
        Post("/platform/tenants/{id}/resume");
        Roles(PlatformRoles.Operator);
        Description(endpoint => endpoint.WithTags("Platform").WithSummary("Resume a suspended store").ProducesProblem(404));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var profile = await platform.SetStatusAsync(TenantId.Parse(req.Id), TenantStatus.Active, User.ActorName());
        await Send.OkAsync(TenantResponse.From(profile), ct);
    }
}
