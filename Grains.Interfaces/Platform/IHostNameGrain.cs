using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Grains.Interfaces.Platform;

/// <summary>
/// The platform's index from one host name (the key, normalized: lowercase, no port, no trailing dot)
/// to its store. Not tenant-scoped: it is how a request finds its tenant in the first place.
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
    [Alias("Bind")]
    Task<HostClaim> BindAsync(HostBinding binding);

    /// <summary>
    /// The previous release's form of <see cref="BindAsync"/> (true: the host is the store's), kept for its directory
    /// grains during a rolling upgrade or after a rollback. Remove in the release after this one.
    /// </summary>
    [Alias("Claim")]
    Task<bool> ClaimAsync(HostBinding binding);

    /// <summary>
    /// Keeps <see cref="HostBinding.Status"/> in step with the store's record, for the previous release's readers.
    /// Remove with that field.
    /// </summary>
    [Alias("SetStatus")]
    Task SetStatusAsync(string tenantId, TenantStatus status);

    /// <summary>Unbinds the host if <paramref name="tenantId"/> holds it (undoing a failed onboarding).</summary>
    [Alias("Release")]
    Task ReleaseAsync(string tenantId);
}
