namespace MultiStore.Api.Features.Catalog.GetProduct;

/// <summary>
/// A product page: the product, and for each variant what can be bought in the asked zone (<see cref="Zone"/>) and in
/// every zone of the store.
/// </summary>
public sealed record Response(
    string Handle,
    string Name,
    string Category,
    decimal Price,
    string Currency,
    string? Description,
    string Zone,
    IReadOnlyList<VariantAvailability> Variants);

/// <param name="Available">Units that can be bought in the asked zone.</param>
/// <param name="Zones">Every zone of the store with the units that can be bought there (0 where it is not stocked).</param>
public sealed record VariantAvailability(string Sku, IReadOnlyDictionary<string, string> Attributes, int Available, IReadOnlyList<ZoneAvailability> Zones);

public sealed record ZoneAvailability(string Zone, int Available);
