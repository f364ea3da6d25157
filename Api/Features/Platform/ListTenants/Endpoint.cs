using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Platform.ListTenants;

/// <summary>GET /platform/tenants: every store, ordered by id.</summary>
public sealed class Endpoint(PlatformGrains platform) : EndpointWithoutRequest<IReadOnlyList<TenantResponse>>
{
    public override void Configure()
    {
        Get("/platform/tenants");
        Roles(PlatformRoles.Operator);
        Description(endpoint => endpoint.WithTags("Platform").WithSummary("List all stores"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var profiles = await platform.ListAsync(User.ActorName());
        await Send.OkAsync([.. profiles.Select(TenantResponse.From)], ct);
    }
}
