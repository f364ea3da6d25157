namespace MultiStore.Grains.Interfaces.Catalog;

/// <summary>The catalog's answer to <see cref="ICatalogGrain.ClaimSkuAsync"/>.</summary>
/// <param name="IssuedAs">The spelling the catalog issued the SKU under; null when it issued no such SKU.</param>
/// <param name="RecordedNow">
/// True when this call recorded the code as stocked by hand, taking one of the store's places under the cap: only such
/// a caller may give it back (<see cref="ICatalogGrain.ReleaseSkuClaimAsync"/>).
/// </param>
[GenerateSerializer, Immutable, Alias("multistore.SkuClaim")]
public sealed record SkuClaim([property: Id(0)] string? IssuedAs, [property: Id(1)] bool RecordedNow);
