namespace MultiStore.Grains.Interfaces.Catalog;

/// <summary>Which products a listing asks for: by status and category, a page at a time (creation order).</summary>
/// <param name="Status">Only products with this status; null for all (admin export).</param>
/// <param name="Category">Only this category (case-insensitive); null for all.</param>
[GenerateSerializer, Immutable, Alias("multistore.ProductQuery")]
public sealed record ProductQuery(
    [property: Id(0)] ProductStatus? Status,
    [property: Id(1)] string? Category,
    [property: Id(2)] int Skip,
    [property: Id(3)] int Take);

/// <summary>One page of products and how many match in all.</summary>
[GenerateSerializer, Immutable, Alias("multistore.ProductPage")]
public sealed record ProductPage(
    [property: Id(0)] IReadOnlyList<Product> Items,
    [property: Id(1)] int Total);
