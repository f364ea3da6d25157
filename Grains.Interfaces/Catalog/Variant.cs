namespace MultiStore.Grains.Interfaces.Catalog;

/// <summary>One sellable variant of a product: its SKU (issued once, never regenerated) and its attributes.</summary>
/// <param name="Attributes">E.g. <c>{"color":"Black","size":"250ml"}</c>; empty for a product's only, plain variant.</param>
[GenerateSerializer, Immutable, Alias("multistore.Variant")]
public sealed record Variant(
    [property: Id(0)] string Sku,
    [property: Id(1)] IReadOnlyDictionary<string, string> Attributes);
