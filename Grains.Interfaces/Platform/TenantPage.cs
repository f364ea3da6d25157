namespace MultiStore.Grains.Interfaces.Platform;

/// <summary>One page of the platform's stores, ordered by id.</summary>
/// <param name="Stores">At most the number asked for, each profile as the store's own record holds it.</param>
/// <param name="Next">
/// The id to ask the next page after (this page's last), or null when no store follows: whether more follow.
/// </param>
[GenerateSerializer, Immutable, Alias("multistore.TenantPage")]
public sealed record TenantPage(
    [property: Id(0)] IReadOnlyList<TenantProfile> Stores,
    [property: Id(1)] string? Next);
