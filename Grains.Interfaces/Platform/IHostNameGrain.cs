using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Interfaces.Platform;

/// <summary>
/// The platform's index from one host name (the key, normalized: lowercase, no port, no trailing dot)
/// to its store. Not tenant-scoped: it is how a request finds its tenant in the first place. Anyone may ask it; only
/// the platform directory (a grain) may change it, so no cluster client can point a domain at another store.
/// </summary>
[Alias("multistore.IHostNameGrain")]
public interface IHostNameGrain : IGrainWithStringKey
{
    /// <summary>The store this host serves, or null when the host is unknown.</summary>
    [RetrySafe]
    [Alias("Resolve")]
    Task<HostBinding?> ResolveAsync();

    /// <summary>
    /// Binds the host to a store. Tells a host this call bound from one the store held already, so that a failed
    /// onboarding gives back only what it took.
    /// </summary>
    [ClusterInternal]
    [Alias("Bind")]
    Task<HostClaim> BindAsync(HostBinding binding);

    /// <summary>
    /// The previous release's form of <see cref="BindAsync"/> (true: the host is the store's), kept for its directory
    /// grains during a rolling upgrade or after a rollback. Remove in the release after this one.
    /// </summary>
    [ClusterInternal]
    [Alias("Claim")]
    Task<bool> ClaimAsync(HostBinding binding);

    /// <summary>
    /// Keeps <see cref="HostBinding.Status"/> in step with the store's record, for the previous release's readers.
    /// Remove with that field.
    /// </summary>
    [ClusterInternal]
    [Alias("SetStatus")]
    Task SetStatusAsync(string tenantId, TenantStatus status);

    /// <summary>Unbinds the host if <paramref name="tenantId"/> holds it (undoing a failed onboarding).</summary>
    [ClusterInternal]
    [Alias("Release")]
    Task ReleaseAsync(string tenantId);
}
