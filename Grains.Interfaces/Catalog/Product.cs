namespace MultiStore.Grains.Interfaces.Catalog;

/// <summary>A product of one store's catalog.</summary>
/// <param name="Handle">The product's id within the store: a slug chosen at creation, used in URLs; never changes.</param>
/// <param name="Code">The SKU stem issued at creation (<c>FBX-HAIR-0042</c>); every variant's SKU starts with it.</param>
/// <param name="Price">Unit price in the store's <see cref="Currency"/>.</param>
[GenerateSerializer, Immutable, Alias("multistore.Product")]
public sealed record Product(
    [property: Id(0)] string Handle,
    [property: Id(1)] string Code,
    [property: Id(2)] string Name,
    [property: Id(3)] string Category,
    [property: Id(4)] decimal Price,
    [property: Id(5)] string Currency,
    [property: Id(6)] ProductStatus Status,
    [property: Id(7)] IReadOnlyList<Variant> Variants,
    [property: Id(8)] string? Description,
    [property: Id(9)] DateTimeOffset CreatedAt,
    [property: Id(10)] DateTimeOffset UpdatedAt);
