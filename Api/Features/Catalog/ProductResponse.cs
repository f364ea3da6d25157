using MultiStore.Grains.Interfaces.Catalog;

namespace MultiStore.Api.Features.Catalog;

/// <summary>A product as store admins see it.</summary>
/// <param name="Code">The SKU stem issued at creation (<c>FBX-HAIR-0042</c>).</param>
/// <param name="Status"><c>active</c> or <c>archived</c>.</param>
public sealed record ProductResponse(
    string Handle,
    string Code,
    string Name,
    string Category,
    decimal Price,
    string Currency,
    string Status,
    string? Description,
    IReadOnlyList<VariantResponse> Variants,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static ProductResponse From(Product product) => new(
        product.Handle,
        product.Code,
        product.Name,
        product.Category,
        product.Price,
        product.Currency,
        StatusName(product.Status),
        product.Description,
        [.. product.Variants.Select(VariantResponse.From)],
        product.CreatedAt,
        product.UpdatedAt);

    public static string StatusName(ProductStatus status) => status == ProductStatus.Archived ? "archived" : "active";
}

/// <param name="Attributes">E.g. <c>{"color":"Black","size":"250ml"}</c>; empty for a plain product.</param>
public sealed record VariantResponse(string Sku, IReadOnlyDictionary<string, string> Attributes)
{
    public static VariantResponse From(Variant variant) => new(variant.Sku, variant.Attributes);
}
