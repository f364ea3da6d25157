using Microsoft.AspNetCore.Authorization;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Auth;

/// <summary>Demands that the user holds a role, in the store the request acts for, that grants <see cref="Permission"/>.</summary>
public sealed class StorePermissionRequirement(string permission) : IAuthorizationRequirement
{
    public string Permission { get; } = permission;
}

/// <summary>
/// Checks <see cref="StorePermissionRequirement"/> against the store resolved by <see cref="TenantResolutionMiddleware"/>.
/// Fails closed: no resolved store, no role in it, or a role that lacks the permission all deny.
/// </summary>
public sealed class StorePermissionHandler : AuthorizationHandler<StorePermissionRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, StorePermissionRequirement requirement)
    {
        // Endpoint routing hands the HttpContext to policies as the resource.
        var tenant = (context.Resource as HttpContext)?.RequestServices.GetService<RequestTenant>();
        if (tenant is { IsResolved: true } && context.User.PermissionsIn(tenant.Id).Contains(requirement.Permission, StringComparer.Ordinal))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Demands that the user owns at least one store: the door to the owner's cross-store view.</summary>
public sealed class StoreOwnerRequirement : IAuthorizationRequirement
{
    public const string Policy = "stores:owner";
}

public sealed class StoreOwnerHandler : AuthorizationHandler<StoreOwnerRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, StoreOwnerRequirement requirement)
    {
        if (context.User.StoresWhere(StoreRoles.Owner).Count > 0)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
