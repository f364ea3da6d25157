namespace MultiStore.Grains.Interfaces.Catalog;

/// <summary>What an admin gives to create a product; the catalog issues its code and the variants' SKUs.</summary>
/// <param name="Variants">The variants' attributes; none means one plain variant whose SKU is the product code.</param>
[GenerateSerializer, Immutable, Alias("multistore.ProductDraft")]
public sealed record ProductDraft(
    [property: Id(0)] string Handle,
    [property: Id(1)] string Name,
    [property: Id(2)] string Category,
    [property: Id(3)] decimal Price,
    [property: Id(4)] IReadOnlyList<IReadOnlyDictionary<string, string>> Variants,
    [property: Id(5)] string? Description = null,
    [property: Id(6)] ProductStatus Status = ProductStatus.Active);

/// <summary>A change of a product's own fields; null leaves a field as it is. SKUs never change.</summary>
[GenerateSerializer, Immutable, Alias("multistore.ProductChange")]
public sealed record ProductChange(
    [property: Id(0)] string? Name = null,
    [property: Id(1)] string? Category = null,
    [property: Id(2)] decimal? Price = null,
    [property: Id(3)] string? Description = null,
    [property: Id(4)] ProductStatus? Status = null);
