namespace MultiStore.Grains.Interfaces.Platform;

/// <summary>What a platform operator asks for when onboarding a store.</summary>
/// <param name="Id">The store's slug.</param>
/// <param name="Name">Display name.</param>
/// <param name="Domains">Host names that find the store (lowercase, no port).</param>
/// <param name="ThemeJson">The store's theme as a JSON object, served to its storefront as is.</param>
[GenerateSerializer, Immutable, Alias("multistore.TenantSpec")]
public sealed record TenantSpec(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> Domains,
    [property: Id(3)] string ThemeJson);
