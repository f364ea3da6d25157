using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Audit;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Audit;

/// <summary>The platform's audit trail; it is not tenant-scoped, so it checks the platform scope itself.</summary>
public sealed class PlatformAuditGrain([PersistentState("platform-audit", StorageNames.Store)] IPersistentState<AuditTrailState> trail) : Grain, IPlatformAuditGrain
{
    /// <inheritdoc />
    public Task<long> AppendAsync(AuditRecord record)
    {
        EnsurePlatform();
        return AuditTrail.AppendAsync(trail, Page, record);
    }

    /// <inheritdoc />
    public Task<AuditPage> ReadAsync(long? before, int take)
    {
        EnsurePlatform();
        return AuditTrail.ReadAsync(trail.State, Page, before, take);
    }

    private static void EnsurePlatform()
    {
        if (!TenantContext.IsPlatform || TenantContext.Tenant is not null)
        {
            throw new TenantIsolationException("Only the platform scope may read or write the platform's audit trail.");
        }
    }

    private IAuditPageGrain Page(long page) => GrainFactory.GetGrainByKey<IAuditPageGrain>(AuditKeys.PlatformPage(page));
}
