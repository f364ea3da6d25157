namespace MultiStore.Grains.Interfaces.Catalog;

/// <summary>Which products a listing asks for: by status and category, a page at a time (creation order).</summary>
/// <param name="Status">Only products with this status; null for all (admin export).</param>
/// <param name="Category">Only this category (case-insensitive); null for all.</param>
/// <param name="Skip">How many matching products to pass over (page by page), unless <paramref name="After"/> is given.</param>
/// <param name="Take">At most this many products.</param>
/// <param name="After">
/// A cursor instead of <paramref name="Skip"/>: start after this many products of the store's creation order, matching
/// or not. That order only grows at its end, so pages never skip or repeat a product when another is archived or
/// brought back between two of them, as skipping matching products does.
/// </param>
[GenerateSerializer, Immutable, Alias("multistore.ProductQuery")]
public sealed record ProductQuery(
    [property: Id(0)] ProductStatus? Status,
    [property: Id(1)] string? Category,
    [property: Id(2)] int Skip,
    [property: Id(3)] int Take,
    [property: Id(4)] int? After = null);

/// <summary>One page of products and how many match in all.</summary>
/// <param name="Next">With <see cref="ProductQuery.After"/>: the cursor of the following page; null once no matching product follows (the list is done).</param>
[GenerateSerializer, Immutable, Alias("multistore.ProductPage")]
public sealed record ProductPage(
    [property: Id(0)] IReadOnlyList<Product> Items,
    [property: Id(1)] int Total,
    [property: Id(2)] int? Next = null);
