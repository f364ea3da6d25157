namespace MultiStore.Grains.Interfaces.Platform;

/// <summary>A store as the platform sees it.</summary>
[GenerateSerializer, Immutable, Alias("multistore.TenantProfile")]
public sealed record TenantProfile(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> Domains,
    [property: Id(3)] string ThemeJson,
    [property: Id(4)] TenantStatus Status,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] string DefaultZone);
