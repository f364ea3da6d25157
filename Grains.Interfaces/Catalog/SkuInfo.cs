namespace MultiStore.Grains.Interfaces.Catalog;

/// <summary>What the catalog knows about one SKU: its product, price and whether it is on sale.</summary>
[GenerateSerializer, Immutable, Alias("multistore.SkuInfo")]
public sealed record SkuInfo(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Handle,
    [property: Id(2)] decimal Price,
    [property: Id(3)] string Currency,
    [property: Id(4)] ProductStatus Status);
