using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Audit;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Audit;

/// <summary>
/// The audit endpoints' door to the trails: a store's own trail in the request's store scope (the silo then demands
/// <see cref="StorePermission.AuditRead"/>), any store's or the platform's in the platform scope.
/// </summary>
public sealed class AuditTrails(IGrainFactory grains, RequestTenant requestTenant, RequestAudit audit)
{
    /// <summary>The trail of the store this request acts for (Host or a granted <c>X-Tenant-ID</c>).</summary>
    public Task<AuditPage> ReadOwnStoreAsync(long? before, int take) =>
        StoreTrail(requestTenant.Id).ReadAsync(before, take);

    /// <summary>A store's trail for a platform operator; null when there is no such store.</summary>
    public async Task<AuditPage?> ReadStoreAsync(TenantId store, long? before, int take, string actor)
    {
        using (TenantContext.ForPlatform(actor))
        {
            // No such store, no trail to start: the read stays in the platform's.
            if (await grains.GetGrainByKey<ITenantGrain>(TenantKey.For(store, ITenantGrain.EntityId)).GetAsync() is null)
            {
                return null;
            }

            audit.Target(store, AuditVia.Platform);
            return await StoreTrail(store).ReadAsync(before, take);
        }
    }

    /// <summary>The platform's own trail, for a platform operator.</summary>
    public async Task<AuditPage> ReadPlatformAsync(long? before, int take, string actor)
    {
        using (TenantContext.ForPlatform(actor))
        {
            return await grains.GetGrainByKey<IPlatformAuditGrain>(IPlatformAuditGrain.Key).ReadAsync(before, take);
        }
    }

    private IStoreAuditGrain StoreTrail(TenantId store) => grains.GetGrainByKey<IStoreAuditGrain>(TenantKey.For(store, IStoreAuditGrain.EntityId));
}
