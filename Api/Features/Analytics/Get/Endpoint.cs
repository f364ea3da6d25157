using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Analytics.Get;

/// <summary>
/// GET /admin/analytics?from=&amp;to=&amp;top=: the store's revenue and orders by UTC day, units sold and top SKUs,
/// and paid vs expired orders (the flash-sale conversion), from the store's analytics grain.
/// </summary>
public sealed class Endpoint(TenantGrains grains) : Endpoint<Request, Response>
{
    public const int DefaultTop = 10;

    public override void Configure()
    {
        Get("/admin/analytics");
        Policies(StorePermissions.Policy(StorePermissions.AnalyticsRead));
        Description(endpoint => endpoint.WithTags("Store admin").WithSummary("The store's sales figures by day, top SKUs and conversion"));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (from, to) = req.Resolve(TimeProvider.System);
        var analytics = await grains.Analytics().GetAsync(from, to, req.Top ?? DefaultTop);
        await Send.OkAsync(Response.For(grains.Tenant.Value, analytics), ct);
    }
}
