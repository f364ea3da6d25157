using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Grains.Interfaces.Platform;

/// <summary>
/// The platform's list of all stores (a single grain, key <see cref="Key"/>). It serializes onboarding,
/// so two operators can never create the same store or claim the same domain at once.
/// </summary>
[Alias("multistore.ITenantDirectoryGrain")]
public interface ITenantDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The directory's only key.</summary>
    const string Key = "platform";

    /// <summary>Creates a live store and binds its domains; refused when the id or a domain is taken.</summary>
    [Alias("Create")]
    Task<TenantProfile> CreateAsync(TenantSpec spec);

    /// <summary>Every store, ordered by id.</summary>
    [RetrySafe]
    [Alias("List")]
    Task<IReadOnlyList<TenantProfile>> ListAsync();

    /// <summary>
    /// Whether a store is onboarded under <paramref name="tenantId"/>. Answered from the directory's memory: a made-up
    /// id costs the same as a real one and wakes no grain of its own.
    /// </summary>
    [RetrySafe]
    [Alias("Contains")]
    Task<bool> ContainsAsync(string tenantId);

    /// <summary>Suspends or resumes a store; its domains answer 403 while it is suspended.</summary>
    [Alias("SetStatus")]
    Task<TenantProfile> SetStatusAsync(string tenantId, TenantStatus status);
}
