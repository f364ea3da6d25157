using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Stores.List;

/// <summary>
/// GET /admin/stores: the owner's cross-store view, the stores the token grants <c>owner</c> on (whatever the Host),
/// each with its status. Stores named by the token that do not exist are left out.
/// </summary>
public sealed class Endpoint(OwnedStores stores) : EndpointWithoutRequest<Response>
{
    public override void Configure()
    {
        Get("/admin/stores");
        Policies(StoreOwnerRequirement.Policy);
        Description(endpoint => endpoint.WithTags("Store owner").WithSummary("The stores this token owns"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var profiles = await stores.ProfilesAsync(User);
        await Send.OkAsync(new Response([.. profiles.Select(OwnedStore.From)]), ct);
    }
}
