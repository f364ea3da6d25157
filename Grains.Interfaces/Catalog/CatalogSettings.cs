namespace MultiStore.Grains.Interfaces.Catalog;

/// <summary>A store's catalog settings.</summary>
/// <param name="SkuPrefix">First part of every SKU the store issues (<c>FBX</c>); fixed once a SKU was issued.</param>
/// <param name="Currency">ISO 4217 code of every price in the store (<c>EUR</c>); fixed once a product exists.</param>
[GenerateSerializer, Immutable, Alias("multistore.CatalogSettings")]
public sealed record CatalogSettings(
    [property: Id(0)] string SkuPrefix,
    [property: Id(1)] string Currency);
