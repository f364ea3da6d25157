namespace MultiStore.Grains.Interfaces.Platform;

/// <summary>A store as the platform sees it.</summary>
/// <param name="ThemeJson">
/// The theme given at onboarding. The live theme is the storefront's (<c>IStorefrontGrain</c>) once an admin set one;
/// until then this one applies.
/// </param>
/// <param name="DefaultZone">
/// The default zone at onboarding, never updated: the live one is the warehouse's (<c>IWarehouseGrain</c>). Answers
/// built from a profile read both live values from their grains (the Api's <c>LiveStoreSettings</c>).
/// </param>
[GenerateSerializer, Immutable, Alias("multistore.TenantProfile")]
public sealed record TenantProfile(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name,
    [property: Id(2)] IReadOnlyList<string> Domains,
    [property: Id(3)] string ThemeJson,
    [property: Id(4)] TenantStatus Status,
    [property: Id(5)] DateTimeOffset CreatedAt,
    [property: Id(6)] string DefaultZone);
