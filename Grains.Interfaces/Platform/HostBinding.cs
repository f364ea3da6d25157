namespace MultiStore.Grains.Interfaces.Platform;

/// <summary>What a host name points at: the store and whether it currently serves.</summary>
[GenerateSerializer, Immutable, Alias("multistore.HostBinding")]
public sealed record HostBinding(
    [property: Id(0)] string TenantId,
    [property: Id(1)] TenantStatus Status);
