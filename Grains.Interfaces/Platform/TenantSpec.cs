namespace MultiStore.Grains.Interfaces.Platform;

/// <summary>What a platform operator asks for when onboarding a store.</summary>
/// <param name="Id">The store's slug.</param>
/// <param name="Name">Display name.</param>
/// <param name="Domains">Host names that find the store (lowercase, no port).</param>
/// <param name="ThemeJson">The store's theme as a JSON object, served to its storefront as is.</param>
/// <param name="Filling">
/// What else the onboarding fills the store with (catalog settings, a template), as one text that an onboarding sent
/// again must repeat to be answered as a retry. Null when the caller does not say (the demo seed, a previous release's
/// directory): then any filling counts as the same, as it did before the store's record kept one.
/// </param>
[GenerateSerializer, Immutable, Alias("multistore.TenantSpec")]
public sealed record TenantSpec(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> Domains,
    [property: Id(3)] string ThemeJson,
    [property: Id(4)] string? Filling = null);
