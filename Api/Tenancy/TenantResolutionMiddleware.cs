using MultiStore.Api.Auth;
using MultiStore.Api.Problems;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Tenancy;

/// <summary>
/// Resolves the request's store from its Host header, once, before any endpoint runs, and fails closed:
/// an unknown host answers 404 and a suspended store 403, both as problems. For a resolved store it fills
/// <see cref="RequestTenant"/> and puts the store in Orleans' <c>RequestContext</c> for the rest of the request.
/// Only the platform, OpenAPI and health paths are served without a store.
/// </summary>
public sealed class TenantResolutionMiddleware(RequestDelegate next, HostTenantResolver resolver)
{
    private static readonly PathString[] UnscopedPaths = ["/platform", "/openapi", "/health"];

    public static bool IsStoreScoped(PathString path) =>
        !UnscopedPaths.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    public async Task InvokeAsync(HttpContext context, RequestTenant requestTenant)
    {
        if (!IsStoreScoped(context.Request.Path))
        {
            await next(context);
            return;
        }

        var resolution = await resolver.ResolveAsync(context.Request.Headers.Host.ToString());
        switch (resolution.Status)
        {
            case TenantResolutionStatus.Active:
                break;
            case TenantResolutionStatus.Suspended:
                await ApiProblem.Create(StatusCodes.Status403Forbidden, ApiProblemCodes.StoreSuspended, "Store suspended", "This store is currently suspended.")
                    .ExecuteAsync(context);
                return;
            default:
                await ApiProblem.Create(StatusCodes.Status404NotFound, ApiProblemCodes.StoreNotFound, "Store not found", "No store is served at this host.")
                    .ExecuteAsync(context);
                return;
        }

        requestTenant.Set(resolution.Tenant);
        using (TenantContext.ForTenant(resolution.Tenant, context.User.ActorName()))
        {
            await next(context);
        }
    }
}
