using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Features.Analytics;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Analytics;

namespace MultiStore.Api.Features.Stores.Analytics;

/// <summary>
/// GET /admin/stores/analytics?from=&amp;to=: the owner's figures across every active store the token owns, per
/// currency and per store. Each store is read in its own scope with the token's permissions there, so a store where
/// the owner grant lacks analytics.read is refused by the silo as it would be on that store's host. A store the cluster
/// cannot read right now is listed under <c>unavailable</c>, and the others are still shown.
/// </summary>
public sealed class Endpoint(OwnedStores stores) : Endpoint<Request, CrossStoreResponse>
{
    public override void Configure()
    {
        Get("/admin/stores/analytics");
        Policies(StoreOwnerRequirement.Policy);
        Description(endpoint => endpoint.WithTags("Store owner").WithSummary("Sales figures across the stores this token owns"));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (from, to) = req.Resolve(TimeProvider.System);
        var reads = await stores.ReadEachAvailableAsync(User, grains => grains.Analytics().GetAsync(from, to, topSkus: 0));
        var figures = reads.Where(read => read.Value is not null).Select(read => (read.Tenant.Value, read.Value!));
        var unavailable = reads.Where(read => read.Unavailable).Select(read => read.Tenant.Value).ToList();
        await Send.OkAsync(CrossStoreResponse.For(CrossStoreAnalytics.Combine(from, to, figures, unavailable)), ct);
    }
}
