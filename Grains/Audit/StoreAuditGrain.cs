using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Audit;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Audit;

/// <summary>
/// A store's audit trail: numbers its entries, keeps them in pages of its own store and removes pages older than the
/// retention (<see cref="AuditRetention"/>).
/// </summary>
public sealed class StoreAuditGrain(
    [PersistentState("audit", StorageNames.Store)] IPersistentState<AuditTrailState> trail,
    IOptions<AuditOptions> options,
    TimeProvider time,
    ILogger<StoreAuditGrain> logger) : Grain, IStoreAuditGrain, IRemindable
{
    private TenantId _tenant;
    private AuditRetention? _retention;

    private AuditRetention Retention => _retention ?? throw new InvalidOperationException("The trail is not activated.");

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _tenant = TenantKey.Parse(this.GetPrimaryKeyString()).Tenant;
        _retention = new AuditRetention(
            this, trail, Page, options.Value, time, logger, _tenant.Value, () => TenantContext.ForTenant(_tenant, "system:audit"));
        return Retention.OnActivateAsync();
    }

    /// <inheritdoc />
    public async Task<long> AppendAsync(AuditRecord record)
    {
        var sequence = await AuditTrail.AppendAsync(trail, Page, record);
        await Retention.AfterAppendAsync(sequence);
        return sequence;
    }

    /// <inheritdoc />
    public Task<AuditPage> ReadAsync(long? before, int take) => AuditTrail.ReadAsync(trail.State, Page, before, take);

    /// <summary>The retention reminder: a trail no one writes to still sheds its old pages.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) => Retention.RunAsync();

    private IAuditPageGrain Page(long page) => GrainFactory.GetGrainByKey<IAuditPageGrain>(AuditKeys.StorePage(_tenant, page));
}
