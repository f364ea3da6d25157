using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;
using Orleans.Concurrency;

namespace MultiStore.Grains.Interfaces.Warehouse;

/// <summary>
/// One store's warehouse zones (key <c>tenantId/warehouse</c>). A store starts with one zone, <c>main</c>, which is
/// its default; admins add zones and may make another one the default.
/// </summary>
[Alias("multistore.IWarehouseGrain")]
public interface IWarehouseGrain : ITenantScopedGrain
{
    /// <summary>The entity part of the warehouse's key.</summary>
    const string EntityId = "warehouse";

    /// <summary>The zone every store starts with.</summary>
    const string InitialZone = "main";

    [RetrySafe]
    [AnyStoreCaller, ReadOnly, Alias("Get")]
    Task<WarehouseView> GetAsync();

    /// <summary>
    /// The zone a storefront sells from when the shopper names none (what <see cref="GetAsync"/> shows as default).
    /// The platform reads it for its list of stores: this grain, not the store's profile, holds the live value.
    /// </summary>
    [RetrySafe]
    [PlatformAccess, AnyStoreCaller, ReadOnly, Alias("GetDefaultZone")]
    Task<string> GetDefaultZoneAsync();

    /// <summary>Adds a zone or renames it; <paramref name="makeDefault"/> makes it the default. Idempotent.</summary>
    [RequiresPermission(StorePermission.ZonesWrite), Alias("PutZone")]
    Task<WarehouseView> PutZoneAsync(string zone, string name, bool makeDefault);
}
