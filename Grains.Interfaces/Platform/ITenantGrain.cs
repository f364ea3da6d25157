using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Interfaces.Platform;

/// <summary>
/// One store's own record (key <c>tenantId/store</c>): name, domains, theme and status.
/// Lifecycle changes come only through the platform's <see cref="ITenantDirectoryGrain"/>.
/// </summary>
[Alias("multistore.ITenantGrain")]
public interface ITenantGrain : ITenantScopedGrain
{
    /// <summary>The entity part of every tenant grain's key.</summary>
    const string EntityId = "store";

    /// <summary>Records a new store; refused when the store already exists.</summary>
    [PlatformAccess(PlatformOnly = true), Alias("Create")]
    Task<TenantProfile> CreateAsync(TenantSpec spec);

    /// <summary>The store's profile, or null when no store has this id.</summary>
    [RetrySafe]
    [PlatformAccess, AnyStoreCaller, Alias("Get")]
    Task<TenantProfile?> GetAsync();

    /// <summary>
    /// Whether onboarding finished filling the store. A repeated onboarding of a filled store fills nothing again,
    /// so it cannot undo what the store's staff changed since (an archived product, a price, the default zone).
    /// </summary>
    [RetrySafe]
    [PlatformAccess(PlatformOnly = true), Alias("IsFilled")]
    Task<bool> IsFilledAsync();

    /// <summary>Records that onboarding finished filling the store; idempotent.</summary>
    [PlatformAccess(PlatformOnly = true), Alias("MarkFilled")]
    Task MarkFilledAsync();

    /// <summary>Sets the store's status; idempotent.</summary>
    [PlatformAccess(PlatformOnly = true), Alias("SetStatus")]
    Task<TenantProfile> SetStatusAsync(TenantStatus status);
}
