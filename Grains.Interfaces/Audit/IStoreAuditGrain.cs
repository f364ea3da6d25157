using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Interfaces.Audit;

/// <summary>
/// One store's audit trail (key <c>tenantId/audit</c>): who did what to the store, when, and how it ended. It only
/// numbers entries; they are kept in pages of <see cref="IAuditPageGrain.Capacity"/>, so no write grows with the trail.
/// </summary>
[Alias("multistore.IStoreAuditGrain")]
public interface IStoreAuditGrain : ITenantScopedGrain
{
    /// <summary>The entity part of the key.</summary>
    const string EntityId = "audit";

    /// <summary>Appends an entry; only the API's recorder may (no role holds <see cref="StorePermission.AuditWrite"/>).</summary>
    [RequiresPermission(StorePermission.AuditWrite), Alias("Append")]
    Task<long> AppendAsync(AuditRecord record);

    /// <summary>
    /// Up to <paramref name="take"/> (1-<see cref="IAuditPageGrain.Capacity"/>) entries older than sequence
    /// <paramref name="before"/> (the newest when null), newest first. The store's owner, or a platform operator.
    /// </summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.AuditRead), PlatformAccess, Alias("Read")]
    Task<AuditPage> ReadAsync(long? before, int take);
}
