using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Interfaces.Audit;

/// <summary>
/// A fixed-size page of one audit trail (key <c>&lt;trail&gt;@&lt;page&gt;</c>, built by <see cref="AuditKeys"/>), written and read
/// only by its trail's grain: calls from outside the cluster are refused (<see cref="IClusterInternalGrain"/>).
/// </summary>
[Alias("multistore.IAuditPageGrain")]
public interface IAuditPageGrain : IClusterInternalGrain
{
    /// <summary>Entries per page, and the most one read returns.</summary>
    const int Capacity = 100;

    /// <summary>Stores the entry under its sequence; repeating it changes nothing.</summary>
    [Alias("Append")]
    Task AppendAsync(AuditEntry entry);

    /// <summary>Up to <paramref name="take"/> entries with a sequence at most <paramref name="atMost"/>, newest first.</summary>
    [RetrySafe]
    [Alias("Read")]
    Task<IReadOnlyList<AuditEntry>> ReadAsync(long atMost, int take);

    /// <summary>
    /// Removes the page from storage if its newest entry was recorded before <paramref name="recordedBefore"/>, or if it
    /// holds nothing; true when the page is now empty. The trail asks only for pages it no longer appends to.
    /// </summary>
    [Alias("Prune")]
    Task<bool> PruneAsync(DateTimeOffset recordedBefore);
}

/// <summary>The keys of audit pages: the one place they are built.</summary>
public static class AuditKeys
{
    /// <summary>Not a store id (those never contain '~'), so the platform's pages never meet a store's.</summary>
    public const string PlatformTrail = "~platform";

    /// <summary>The page that holds <paramref name="sequence"/> (sequences start at 1).</summary>
    public static long PageOf(long sequence) => (sequence - 1) / IAuditPageGrain.Capacity;

    public static string StorePage(TenantId tenant, long page) => TenantKey.For(tenant, $"{IStoreAuditGrain.EntityId}@{page}");

    public static string PlatformPage(long page) => $"{PlatformTrail}/{IStoreAuditGrain.EntityId}@{page}";
}
