using MultiStore.Grains.Interfaces.Catalog;

namespace MultiStore.Api.Features.Catalog.ListProducts;

/// <summary>One page of the storefront's active products, in the order they were added.</summary>
public sealed record Response(IReadOnlyList<ProductSummary> Items, int Page, int PageSize, int Total);

public sealed record ProductSummary(string Handle, string Name, string Category, decimal Price, string Currency, IReadOnlyList<VariantResponse> Variants)
{
    public static ProductSummary From(Product product) => new(
        product.Handle, product.Name, product.Category, product.Price, product.Currency, [.. product.Variants.Select(VariantResponse.From)]);
}
