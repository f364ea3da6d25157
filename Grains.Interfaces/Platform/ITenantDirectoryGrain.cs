using MultiStore.Grains.Interfaces.Common;
using Orleans.Concurrency;

namespace MultiStore.Grains.Interfaces.Platform;

/// <summary>
/// The platform's list of all stores (a single grain, key <see cref="Key"/>). It serializes onboarding,
/// so two operators can never create the same store or claim the same domain at once. It keeps only the stores' ids;
/// each profile is its store's own record (<see cref="ITenantGrain"/>), which listings read a page at a time. Its reads
/// are read-only: they run side by side (a listing waiting on store records holds no <see cref="ContainsAsync"/> up),
/// never during an onboarding or a suspension.
/// </summary>
[Alias("multistore.ITenantDirectoryGrain")]
public interface ITenantDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The directory's only key.</summary>
    const string Key = "platform";

    /// <summary>Creates a live store and binds its domains; refused when the id or a domain is taken.</summary>
    [Alias("Create")]
    Task<TenantProfile> CreateAsync(TenantSpec spec);

    /// <summary>The most stores <see cref="ListPageAsync"/> answers at once.</summary>
    const int MaxPageSize = 500;

    /// <summary>
    /// Every store, ordered by id, in one message: kept for the previous release's Api during a rolling upgrade. Its
    /// answer grows with every store and theme (past some thousands of stores it exceeds Orleans' message size limit),
    /// so new callers page with <see cref="ListPageAsync"/>.
    /// </summary>
    [RetrySafe, ReadOnly]
    [Alias("List")]
    Task<IReadOnlyList<TenantProfile>> ListAsync();

    /// <summary>
    /// The first <paramref name="limit"/> stores (1-<see cref="MaxPageSize"/>) whose ids come after
    /// <paramref name="after"/> in ordinal order (from the first store when null), each read from its own record.
    /// Refused as <see cref="RuleCodes.InvalidPage"/> when the limit is out of range or <paramref name="after"/> is not
    /// a store id.
    /// </summary>
    [RetrySafe, ReadOnly]
    [Alias("ListPage")]
    Task<TenantPage> ListPageAsync(string? after, int limit);

    /// <summary>
    /// Whether a store is onboarded under <paramref name="tenantId"/>. Answered from the directory's memory: a made-up
    /// id costs the same as a real one and wakes no grain of its own.
    /// </summary>
    [RetrySafe, ReadOnly]
    [Alias("Contains")]
    Task<bool> ContainsAsync(string tenantId);

    /// <summary>Suspends or resumes a store; its domains answer 403 while it is suspended.</summary>
    [Alias("SetStatus")]
    Task<TenantProfile> SetStatusAsync(string tenantId, TenantStatus status);
}
