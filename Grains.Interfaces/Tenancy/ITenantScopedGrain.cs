namespace MultiStore.Grains.Interfaces.Tenancy;

/// <summary>
/// Marks a grain whose key is <c>tenantId/entityId</c>. The silo's isolation filter refuses any call to
/// such a grain unless the caller's tenant (flowing in <see cref="TenantContext"/>) is the key's tenant.
/// </summary>
[Alias("multistore.ITenantScopedGrain")]
public interface ITenantScopedGrain : IGrainWithStringKey;
