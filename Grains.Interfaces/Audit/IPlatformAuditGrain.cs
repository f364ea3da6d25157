using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Grains.Interfaces.Audit;

/// <summary>
/// The platform's own audit trail (a single grain, key <see cref="Key"/>): platform actions that concern no one store
/// (listing stores, platform-wide reads, refused onboarding) and refusals that could not be tied to a store. Only a
/// caller in the platform scope may append or read.
/// </summary>
[Alias("multistore.IPlatformAuditGrain")]
public interface IPlatformAuditGrain : IGrainWithStringKey
{
    const string Key = "platform";

    [Alias("Append")]
    Task<long> AppendAsync(AuditRecord record);

    /// <summary>As <see cref="IStoreAuditGrain.ReadAsync"/>.</summary>
    [RetrySafe]
    [Alias("Read")]
    Task<AuditPage> ReadAsync(long? before, int take);
}
