using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Features.Analytics;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Platform.Analytics;

/// <summary>
/// GET /platform/analytics?from=&amp;to=&amp;top=: every store's figures rolled up per currency, with the stores that
/// have the most paid orders. Read by a parallel fan-out (64 stores at a time) to the stores' own analytics grains.
/// </summary>
public sealed class Endpoint(PlatformGrains platform) : Endpoint<Request, CrossStoreResponse>
{
    public const int DefaultTop = 20;

    public override void Configure()
    {
        Get("/platform/analytics");
        Roles(PlatformRoles.Operator);
        Description(endpoint => endpoint.WithTags("Platform").WithSummary("Sales figures across all stores"));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var (from, to) = req.Resolve(TimeProvider.System);
        var analytics = await platform.AnalyticsAsync(from, to, req.Top ?? DefaultTop, User.ActorName());
        await Send.OkAsync(CrossStoreResponse.For(analytics), ct);
    }
}
