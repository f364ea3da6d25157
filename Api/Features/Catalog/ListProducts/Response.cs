using MultiStore.Grains.Interfaces.Catalog;

namespace MultiStore.Api.Features.Catalog.ListProducts;

/// <summary>
/// One page of the storefront's active products, in the order they were added: <see cref="Page"/> when paged by number,
/// <see cref="Next"/> (the following page's cursor, null at the end) when paged by cursor.
/// </summary>
public sealed record Response(IReadOnlyList<ProductSummary> Items, int? Page, int PageSize, int Total, int? Next);

public sealed record ProductSummary(string Handle, string Name, string Category, decimal Price, string Currency, IReadOnlyList<VariantResponse> Variants)
{
    public static ProductSummary From(Product product) => new(
        product.Handle, product.Name, product.Category, product.Price, product.Currency, [.. product.Variants.Select(VariantResponse.From)]);
}
