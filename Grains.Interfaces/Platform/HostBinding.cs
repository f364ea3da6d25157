namespace MultiStore.Grains.Interfaces.Platform;

/// <summary>
/// What a host name points at: the store. Whether the store serves is its own record's to say
/// (<see cref="ITenantGrain"/>): one write suspends it on every domain at once.
/// </summary>
/// <param name="TenantId">The store the host serves.</param>
/// <param name="Status">
/// A copy of the store's status, which this release never reads. The previous release's Api and silos do (they run
/// beside this one during a rolling upgrade, and again after a rollback), so it is kept in step until the release
/// after this one removes it.
/// </param>
[GenerateSerializer, Immutable, Alias("multistore.HostBinding")]
public sealed record HostBinding(
    [property: Id(0)] string TenantId,
    [property: Id(1)] TenantStatus Status = TenantStatus.Active);
