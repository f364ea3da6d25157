namespace MultiStore.Api.Auth;

/// <summary>The roles a user can hold in one store (claim <see cref="AuthClaims.StoreRole"/> = <c>tenantId:role</c>).</summary>
public static class StoreRoles
{
    public const string Owner = "owner";
    public const string BrandManager = "brand-manager";
    public const string Warehouse = "warehouse";
    public const string Support = "support";

    public static IReadOnlyList<string> All { get; } = [Owner, BrandManager, Warehouse, Support];

    public static bool IsStoreRole(string? role) => role is not null && All.Contains(role, StringComparer.Ordinal);
}

/// <summary>The platform's own role (claim <see cref="AuthClaims.Role"/>); it grants nothing inside a store.</summary>
public static class PlatformRoles
{
    public const string Operator = "platform-operator";
}

/// <summary>Claim names in MultiStore tokens, read as issued (inbound claim mapping is off).</summary>
public static class AuthClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string StoreRole = "store_role";

    /// <summary>The value of a <see cref="StoreRole"/> claim.</summary>
    public static string StoreRoleValue(string tenantId, string role) => $"{tenantId}:{role}";
}
