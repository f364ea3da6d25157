namespace MultiStore.Grains.Interfaces.Platform;

/// <summary>
/// What a host name points at: the store, nothing more. Whether the store serves is its own record's to say
/// (<see cref="ITenantGrain"/>): one write suspends it on every domain at once. (Id 1 held a copy of that status once;
/// it is not reused.)
/// </summary>
[GenerateSerializer, Immutable, Alias("multistore.HostBinding")]
public sealed record HostBinding(
    [property: Id(0)] string TenantId);
