using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using MultiStore.Api.Features.Catalog;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Catalog;
using MultiStore.Grains.Interfaces.Catalog;

namespace MultiStore.Api.Onboarding;

/// <summary>What onboarding adds to a store beyond its profile: brand colours, catalog settings and a category template.</summary>
/// <param name="BrandColors">Colour role (<c>primary</c>, <c>secondary</c>, <c>accent</c>…) to CSS colour.</param>
public sealed record OnboardingOptions(
    IReadOnlyDictionary<string, string>? BrandColors,
    string? Template,
    string? SkuPrefix,
    string? Currency)
{
    /// <summary>
    /// The template and catalog settings as one text (<see cref="Grains.Interfaces.Platform.TenantSpec.Filling"/>): an
    /// onboarding sent again with any of them changed is refused, not answered as a retry that quietly ignores them.
    /// Brand colours need no place here: they are in the theme, which a retry repeats too. Each value is validated
    /// (letters, digits, '-'), so the separators cannot occur in one.
    /// </summary>
    public string Filling => $"template={Template};skuPrefix={SkuPrefix};currency={Currency}";
}

/// <summary>
/// Fills a newly created store: catalog settings, the template's zones, products (one catalog import: one write) and
/// stock. Every step can be run again (zones and products by id, stock only where none was ever set), which is how
/// an onboarding asked again after a filling that failed part-way finishes its store. Once a filling succeeded the
/// store is marked filled and is never filled again (<see cref="Tenancy.PlatformGrains.OnboardAsync"/>).
/// </summary>
public static class StoreOnboarding
{
    public const string Actor = "system:onboarding";

    // The theme is stored and measured as written here. The default encoder writes every non-ASCII character as a
    // six-character escape, so a theme of 3,000 CJK characters that the request's limit accepts would be refused as
    // 18 KB. Nothing renders the stored text into HTML, so the relaxed encoder will do: it escapes only what JSON
    // needs, and characters beyond the Basic Multilingual Plane (emoji), which no encoder of the runtime leaves as is.
    private static readonly JsonSerializerOptions ThemeWriting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// The theme the store starts with: the operator's theme, with the brand colours under <c>colors</c> and, for a
    /// template, its font and section layout where the operator's theme has none.
    /// </summary>
    public static string Theme(string? themeJson, OnboardingOptions options)
    {
        var theme = (string.IsNullOrWhiteSpace(themeJson) ? null : JsonNode.Parse(themeJson) as JsonObject) ?? [];
        if (options.BrandColors is { Count: > 0 } colors)
        {
            var existing = theme["colors"] as JsonObject ?? [];
            foreach (var (role, color) in colors)
            {
                existing[role] = color;
            }

            theme["colors"] = existing;
        }

        if (options.Template is { } name && StoreTemplates.All.TryGetValue(name, out var template))
        {
            theme["template"] ??= template.Name;
            theme["fonts"] ??= new JsonObject { ["heading"] = template.Font, ["body"] = template.Font };
            theme["sections"] ??= new JsonArray([.. template.Sections.Select(section => JsonValue.Create(section))]);
        }

        return theme.ToJsonString(ThemeWriting);
    }

    /// <summary>
    /// Whether <paramref name="theme"/> can be stored as text: a JSON escape may name half of a surrogate pair
    /// (<c>"\ud800"</c>), which parses but is no Unicode text, so it cannot be written back out.
    /// </summary>
    public static bool IsWritable(JsonElement theme)
    {
        try
        {
            JsonNode.Parse(theme.GetRawText())?.ToJsonString(ThemeWriting);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Applies catalog settings and the template to the store <paramref name="grains"/> is bound to.</summary>
    public static async Task ApplyAsync(TenantGrains grains, OnboardingOptions options, CancellationToken ct)
    {
        var settings = options.SkuPrefix is not null || options.Currency is not null
            ? await grains.Catalog().ConfigureAsync(options.SkuPrefix, options.Currency)
            : null;

        if (options.Template is not { } name || !StoreTemplates.All.TryGetValue(name, out var template))
        {
            return;
        }

        var warehouse = grains.Warehouse();
        for (var index = 0; index < template.Zones.Count; index++)
        {
            await warehouse.PutZoneAsync(template.Zones[index].Id, template.Zones[index].Name, makeDefault: index == 0);
        }

        // A template's prices are numbers, not amounts of a currency: in a store selling in yen, 19.50 is written 20
        // (the currency's minor units, CurrencyMinorUnits), which the catalog would otherwise refuse.
        var currency = (settings ?? await grains.Catalog().GetSettingsAsync()).Currency;
        var row = 0;
        var imports = template.Products.Select(product =>
        {
            var variants = product.Variants.Count == 0 ? [new Dictionary<string, string>()] : product.Variants;
            return new ProductImport(row + 1, product.Handle, product.Name, product.Category, CurrencyMinorUnits.Round(product.Price, currency), ProductStatus.Active,
                [.. variants.Select(attributes => new VariantImport(++row, attributes, null))]);
        }).ToList();
        var result = await grains.Catalog().ImportAsync(imports);
        if (result.Errors.Count > 0)
        {
            throw new InvalidOperationException($"Template '{name}' does not import: {result.Errors[0].Message}");
        }

        var counts = new List<StockCount>();
        foreach (var (import, product) in imports.Zip(template.Products))
        {
            foreach (var variant in import.Variants)
            {
                var sku = result.SkuByRow[variant.Row];
                counts.Add(new StockCount(sku, template.Zones[0].Id, product.FirstZoneStock, null));
                counts.Add(new StockCount(sku, template.Zones[1].Id, product.SecondZoneStock, null));
            }
        }

        // Only entries never stocked, decided by each entry: an onboarding asked again (its answer lost, or its filling
        // failed part-way), even while the first is still running, finishes the store without resetting what it may
        // have sold since.
        var failures = (await StockLevels.ApplyAsync(grains, counts, "onboarding template", ct, onlyWhereNeverStocked: true)).RefusedOrThrow();
        if (failures.Count > 0)
        {
            throw new InvalidOperationException($"Template '{name}' stock not applied: {failures[0].Message}");
        }
    }
}
