namespace MultiStore.Grains.Interfaces.Tenancy;

/// <summary>
/// Who a call acts for, captured from <see cref="TenantContext"/> as a value that can be compared and restored:
/// two calls with equal caller contexts are judged identically by the silo's isolation and permission filter.
/// </summary>
/// <param name="Tenant">The store acted for, or null.</param>
/// <param name="Actor">Who acts, or null when nobody was named.</param>
/// <param name="IsPlatform">Whether a platform operator acts.</param>
/// <param name="Permissions">The permissions held, space-separated (a string, so equality is by value).</param>
public sealed record CallerContext(string? Tenant, string? Actor, bool IsPlatform, string Permissions);
