using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Audit;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Audit;

/// <summary>
/// The platform's audit trail; it is not tenant-scoped, so it checks the platform scope itself. Its pages are removed
/// after the retention as a store's are (<see cref="AuditRetention"/>).
/// </summary>
public sealed class PlatformAuditGrain(
    [PersistentState("platform-audit", StorageNames.Store)] IPersistentState<AuditTrailState> trail,
    IOptions<AuditOptions> options,
    TimeProvider time,
    ILogger<PlatformAuditGrain> logger) : Grain, IPlatformAuditGrain, IRemindable
{
    private AuditRetention? _retention;

    private AuditRetention Retention => _retention ?? throw new InvalidOperationException("The trail is not activated.");

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _retention = new AuditRetention(
            this, trail, Page, options.Value, time, logger, AuditKeys.PlatformTrail, () => TenantContext.ForPlatform("system:audit"));
        return Retention.OnActivateAsync();
    }

    /// <inheritdoc />
    public async Task<long> AppendAsync(AuditRecord record)
    {
        EnsurePlatform();
        var sequence = await AuditTrail.AppendAsync(trail, Page, record);
        await Retention.AfterAppendAsync(sequence);
        return sequence;
    }

    /// <inheritdoc />
    public Task<AuditPage> ReadAsync(long? before, int take)
    {
        EnsurePlatform();
        return AuditTrail.ReadAsync(trail.State, Page, before, take);
    }

    /// <summary>The retention reminder: the trail sheds its old pages even when nothing is appended.</summary>
    public Task ReceiveReminder(string reminderName, TickStatus status) => Retention.RunAsync();

    private static void EnsurePlatform()
    {
        if (!TenantContext.IsPlatform || TenantContext.Tenant is not null)
        {
            throw new TenantIsolationException("Only the platform scope may read or write the platform's audit trail.");
        }
    }

    private IAuditPageGrain Page(long page) => GrainFactory.GetGrainByKey<IAuditPageGrain>(AuditKeys.PlatformPage(page));
}
