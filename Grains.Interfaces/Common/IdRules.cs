using System.Text.RegularExpressions;

namespace MultiStore.Grains.Interfaces.Common;

/// <summary>
/// What an entity id may look like. Ids become parts of grain keys (<c>tenant/sku@zone</c>), so the
/// separators '/' and '@' and anything outside a small ASCII set are refused before a grain is touched.
/// </summary>
public static partial class IdRules
{
    /// <summary>Longest accepted SKU; generated SKUs such as <c>FBX-HAIR-0042-BLK-250ML</c> fit easily.</summary>
    public const int MaxSkuLength = 64;

    /// <summary>Longest accepted zone name.</summary>
    public const int MaxZoneLength = 32;

    /// <summary>Largest quantity a single line or adjustment may name; protects arithmetic from overflow.</summary>
    public const int MaxQuantity = 1_000_000;

    /// <summary>Largest on-hand a stock entry may hold.</summary>
    public const int MaxOnHand = 1_000_000_000;

    public static bool IsSku(string? value) => value is not null && SkuPattern().IsMatch(value);

    public static bool IsZone(string? value) => value is not null && ZonePattern().IsMatch(value);

    /// <summary>Cart and order ids are UUIDs (carts are client-made, orders server-made).</summary>
    public static bool IsUuid(string? value) => Guid.TryParseExact(value, "D", out _);

    public static void EnsureSku(string value)
    {
        if (!IsSku(value))
        {
            throw new StoreRuleException(RuleCodes.InvalidId, $"'{value}' is not a SKU: use 1-{MaxSkuLength} of A-Z, a-z, 0-9, '-', '_', '.'.");
        }
    }

    public static void EnsureZone(string value)
    {
        if (!IsZone(value))
        {
            throw new StoreRuleException(RuleCodes.InvalidId, $"'{value}' is not a zone: use 1-{MaxZoneLength} of a-z, 0-9, '-'.");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex SkuPattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex ZonePattern();
}
