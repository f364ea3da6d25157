using Microsoft.AspNetCore.Authorization;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Auth;

/// <summary>Demands that the user holds a role, in the store the request's host resolved to, that grants <see cref="Permission"/>.</summary>
public sealed class StorePermissionRequirement(string permission) : IAuthorizationRequirement
{
    public string Permission { get; } = permission;
}

/// <summary>
/// Checks <see cref="StorePermissionRequirement"/> against the tenant resolved by <see cref="TenantResolutionMiddleware"/>.
/// Fails closed: no resolved tenant, no matching <c>store_role</c> claim, or a role that lacks the permission all deny.
/// </summary>
public sealed class StorePermissionHandler : AuthorizationHandler<StorePermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, StorePermissionRequirement requirement)
    {
        // Endpoint routing hands the HttpContext to policies as the resource.
        var tenant = (context.Resource as HttpContext)?.RequestServices.GetService<RequestTenant>();
        if (tenant is null || !tenant.IsResolved)
        {
            return Task.CompletedTask;
        }

        var prefix = tenant.Id.Value + ":";
        foreach (var claim in context.User.FindAll(AuthClaims.StoreRole))
        {
            if (claim.Value.StartsWith(prefix, StringComparison.Ordinal)
                && StorePermissions.Grants(claim.Value[prefix.Length..], requirement.Permission))
            {
                context.Succeed(requirement);
                break;
            }
        }

        return Task.CompletedTask;
    }
}
