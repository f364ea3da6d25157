using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Audit;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Audit;

/// <summary>A store's audit trail: numbers its entries and keeps them in pages of its own store.</summary>
public sealed class StoreAuditGrain([PersistentState("audit", StorageNames.Store)] IPersistentState<AuditTrailState> trail) : Grain, IStoreAuditGrain
{
    private TenantId _tenant;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _tenant = TenantKey.Parse(this.GetPrimaryKeyString()).Tenant;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<long> AppendAsync(AuditRecord record) => AuditTrail.AppendAsync(trail, Page, record);

    /// <inheritdoc />
    public Task<AuditPage> ReadAsync(long? before, int take) => AuditTrail.ReadAsync(trail.State, Page, before, take);

    private IAuditPageGrain Page(long page) => GrainFactory.GetGrainByKey<IAuditPageGrain>(AuditKeys.StorePage(_tenant, page));
}
