using MultiStore.Api.Auth;
using MultiStore.Api.Problems;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Tenancy;

/// <summary>
/// Resolves the request's store from its Host header, once, before any endpoint runs, and fails closed:
/// an unknown host answers 404 and a suspended store 403, both as problems. For a resolved store it fills
/// <see cref="RequestTenant"/> and puts the store, with what the caller may do there, in Orleans' <c>RequestContext</c>
/// for the rest of the request: the storefront (<c>/api</c>, <c>/robots.txt</c>, <c>/sitemap.xml</c>) acts with the
/// shopper scope only, whatever the token;
/// every other store path with the permissions of the caller's roles in that store. The silo checks them again.
/// Only the platform, OpenAPI, health and cross-store (<c>/admin/stores</c>) paths are served without a store.
/// </summary>
public sealed class TenantResolutionMiddleware(RequestDelegate next, HostTenantResolver resolver)
{
    private static readonly PathString[] UnscopedPaths = ["/platform", "/openapi", "/health", "/admin/stores"];
    private static readonly PathString[] StorefrontPaths = ["/api", "/robots.txt", "/sitemap.xml"];

    public static bool IsStoreScoped(PathString path) =>
        !UnscopedPaths.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>The shoppers' part of a store: found by Host only, served with the shopper scope only.</summary>
    public static bool IsStorefront(PathString path) =>
        StorefrontPaths.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

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
        IReadOnlyList<string> permissions = IsStorefront(context.Request.Path) ? [StorePermission.Shop] : context.User.PermissionsIn(resolution.Tenant);
        using (TenantContext.ForCaller(resolution.Tenant, context.User.ActorName(), permissions))
        {
            await next(context);
        }
    }
}
