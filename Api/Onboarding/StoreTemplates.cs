namespace MultiStore.Api.Onboarding;

/// <summary>One product of a template: its variants' attributes and the stock each variant starts with in the two zones.</summary>
public sealed record TemplateProduct(
    string Handle,
    string Name,
    string Category,
    decimal Price,
    IReadOnlyList<IReadOnlyDictionary<string, string>> Variants,
    int FirstZoneStock,
    int SecondZoneStock);

/// <summary>A category template: a ready store to start from (zones, products with variants and stock, theme defaults).</summary>
/// <param name="Zones">Two zones (id and name); the first is the default.</param>
public sealed record StoreTemplate(
    string Name,
    IReadOnlyList<(string Id, string Name)> Zones,
    string Font,
    IReadOnlyList<string> Sections,
    IReadOnlyList<TemplateProduct> Products);

/// <summary>The category templates a platform operator can onboard a store with: fashion, beauty, restaurant, furniture.</summary>
public static class StoreTemplates
{
    public const string Fashion = "fashion";
    public const string Beauty = "beauty";
    public const string Restaurant = "restaurant";
    public const string Furniture = "furniture";

    private static readonly (string Id, string Name)[] TwoZones = [("main", "Main warehouse"), ("store-front", "Shop floor")];

    public static IReadOnlyDictionary<string, StoreTemplate> All { get; } = new Dictionary<string, StoreTemplate>(StringComparer.Ordinal)
    {
        [Fashion] = new(Fashion, TwoZones, "Inter", ["hero", "new-arrivals", "categories", "lookbook", "newsletter"],
        [
            Product("essential-tee", "Essential tee", "Tops", 24.00m, Attributes("color", ["Black", "White"], "size", ["S", "M", "L"]), main: 30, floor: 5),
            Product("denim-jacket", "Denim jacket", "Outerwear", 89.00m, Attributes("color", ["Indigo"], "size", ["M", "L"]), main: 12, floor: 2),
            Product("canvas-tote", "Canvas tote", "Accessories", 19.50m, [], main: 50, floor: 10),
        ]),
        [Beauty] = new(Beauty, TwoZones, "Playfair Display", ["hero", "bestsellers", "routines", "ingredients", "newsletter"],
        [
            Product("argan-shampoo", "Argan oil shampoo", "Hair", 14.90m, Attributes("size", ["250ml", "500ml"]), main: 40, floor: 8),
            Product("rose-face-serum", "Rose face serum", "Skin", 32.00m, Attributes("size", ["30ml"]), main: 25, floor: 4),
            Product("matte-lipstick", "Matte lipstick", "Makeup", 18.00m, Attributes("color", ["Red", "Nude", "Plum"]), main: 20, floor: 5),
        ]),
        [Restaurant] = new(Restaurant, [("main", "Kitchen"), ("takeaway", "Takeaway counter")], "Poppins", ["hero", "menu", "specials", "opening-hours"],
        [
            Product("margherita", "Pizza margherita", "Pizza", 9.50m, Attributes("size", ["Regular", "Large"]), main: 60, floor: 20),
            Product("house-salad", "House salad", "Starters", 6.00m, [], main: 40, floor: 10),
            Product("tiramisu", "Tiramisu", "Desserts", 5.50m, [], main: 30, floor: 10),
        ]),
        [Furniture] = new(Furniture, [("main", "Warehouse"), ("showroom", "Showroom")], "Lora", ["hero", "rooms", "collections", "delivery-info"],
        [
            Product("oak-dining-table", "Oak dining table", "Tables", 690.00m, Attributes("finish", ["Natural", "Walnut"]), main: 6, floor: 1),
            Product("linen-armchair", "Linen armchair", "Seating", 420.00m, Attributes("color", ["Sand", "Grey"]), main: 8, floor: 2),
            Product("arc-floor-lamp", "Arc floor lamp", "Lighting", 149.00m, [], main: 15, floor: 3),
        ]),
    };

    public static bool IsTemplate(string? name) => name is not null && All.ContainsKey(name);

    private static TemplateProduct Product(string handle, string name, string category, decimal price, IReadOnlyList<IReadOnlyDictionary<string, string>> variants, int main, int floor) =>
        new(handle, name, category, price, variants, main, floor);

    /// <summary>Every combination of the given attribute values (one attribute, or two crossed).</summary>
    private static IReadOnlyList<IReadOnlyDictionary<string, string>> Attributes(string name, string[] values, string? second = null, string[]? secondValues = null) =>
        second is null
            ? [.. values.Select(value => (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { [name] = value })]
            : [.. values.SelectMany(value => secondValues!.Select(other => (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { [name] = value, [second] = other }))];
}
