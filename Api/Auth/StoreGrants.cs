using System.Security.Claims;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Auth;

/// <summary>
/// Reads what a validated token grants: store roles come from <c>store_role</c> claims (<c>tenantId:role</c>), the
/// platform role from <c>role</c>. Malformed values, unknown roles and invalid store ids grant nothing.
/// </summary>
public static class StoreGrants
{
    /// <summary>The most stores one token's cross-store view reads; more grants than this are refused, not truncated.</summary>
    public const int MaxStoresPerToken = 100;

    /// <summary>The store roles <paramref name="user"/> holds in <paramref name="tenant"/> (known roles only, ordered).</summary>
    public static IReadOnlyList<string> RolesIn(this ClaimsPrincipal user, TenantId tenant) =>
        [.. Parse(user).Where(grant => grant.Tenant == tenant).Select(grant => grant.Role).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>The union of what <paramref name="user"/>'s roles in <paramref name="tenant"/> grant.</summary>
    public static IReadOnlyList<string> PermissionsIn(this ClaimsPrincipal user, TenantId tenant) =>
        [.. user.RolesIn(tenant).SelectMany(StorePermissions.Of).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    /// <summary>True when <paramref name="user"/> holds any store role in <paramref name="tenant"/>.</summary>
    public static bool HoldsRoleIn(this ClaimsPrincipal user, TenantId tenant) => user.RolesIn(tenant).Count > 0;

    /// <summary>The stores in which <paramref name="user"/> holds <paramref name="role"/>, ordered by id.</summary>
    public static IReadOnlyList<TenantId> StoresWhere(this ClaimsPrincipal user, string role) =>
        [.. Parse(user).Where(grant => grant.Role == role).Select(grant => grant.Tenant).Distinct().OrderBy(tenant => tenant.Value, StringComparer.Ordinal)];

    public static bool IsPlatformOperator(this ClaimsPrincipal user) => user.HasClaim(AuthClaims.Role, PlatformRoles.Operator);

    /// <summary>"owner", "platform-operator", "owner+support"… as the audit trail names the caller's standing in a store.</summary>
    public static string StandingIn(this ClaimsPrincipal user, TenantId? tenant)
    {
        var roles = tenant is { } store ? user.RolesIn(store).ToList() : [];
        if (user.IsPlatformOperator())
        {
            roles.Add(PlatformRoles.Operator);
        }

        return roles.Count > 0 ? string.Join('+', roles) : user.Identity?.IsAuthenticated == true ? "no-role" : Actors.Anonymous;
    }

    private static IEnumerable<(TenantId Tenant, string Role)> Parse(ClaimsPrincipal user)
    {
        foreach (var claim in user.FindAll(AuthClaims.StoreRole))
        {
            var separator = claim.Value.IndexOf(':');
            if (separator <= 0 || claim.Value.IndexOf(':', separator + 1) >= 0)
            {
                continue;
            }

            var role = claim.Value[(separator + 1)..];
            if (TenantId.TryParse(claim.Value[..separator], out var tenant) && StoreRoles.IsStoreRole(role))
            {
                yield return (tenant, role);
            }
        }
    }
}
