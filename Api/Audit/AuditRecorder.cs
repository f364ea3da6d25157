using MultiStore.Grains.Interfaces.Audit;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Audit;

/// <summary>
/// Writes audit entries: a store's into that store's trail (acting as the store's trusted system code, the only
/// holder of <see cref="StorePermission.AuditWrite"/>), everything else into the platform's. A failed write is logged
/// as an error and never fails the request it describes.
/// </summary>
public sealed partial class AuditRecorder(IGrainFactory grains, ILogger<AuditRecorder> logger)
{
    public const string Actor = "system:audit";

    public async Task RecordAsync(TenantId? store, AuditRecord record)
    {
        try
        {
            if (store is { } tenant)
            {
                using (TenantContext.ForTenant(tenant, Actor))
                {
                    await grains.GetGrainByKey<IStoreAuditGrain>(TenantKey.For(tenant, IStoreAuditGrain.EntityId)).AppendAsync(record);
                }
            }
            else
            {
                using (TenantContext.ForPlatform(Actor))
                {
                    await grains.GetGrainByKey<IPlatformAuditGrain>(IPlatformAuditGrain.Key).AppendAsync(record);
                }
            }
        }
        catch (Exception exception)
        {
            LogLost(logger, exception, store?.Value ?? AuditKeys.PlatformTrail, record.Action, record.Actor, record.Status);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Audit entry lost for {Store}: {Action} by {Actor} ({Status})")]
    private static partial void LogLost(ILogger logger, Exception exception, string store, string action, string actor, int status);
}
