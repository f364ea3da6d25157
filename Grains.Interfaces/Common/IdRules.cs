using System.Buffers;

namespace MultiStore.Grains.Interfaces.Common;

/// <summary>
/// What an entity id may look like. Ids become parts of grain keys (<c>tenant/sku@zone</c>), so the
/// separators '/' and '@' and anything outside a small ASCII set are refused before a grain is touched.
/// </summary>
public static class IdRules
{
    /// <summary>Longest accepted SKU; generated SKUs such as <c>FBX-HAIR-0042-BLK-250ML</c> fit easily.</summary>
    public const int MaxSkuLength = 64;

    /// <summary>Longest accepted zone name.</summary>
    public const int MaxZoneLength = 32;

    /// <summary>Largest quantity a single line or adjustment may name; protects arithmetic from overflow.</summary>
    public const int MaxQuantity = 1_000_000;

    /// <summary>Largest on-hand a stock entry may hold.</summary>
    public const int MaxOnHand = 1_000_000_000;

    // Checked by hand rather than by regular expression: a pattern's '$' also matches before a final line feed, so
    // "SKU\n" passed, and every storefront call checks both ids.
    private static readonly SearchValues<char> SkuFirst = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789");
    private static readonly SearchValues<char> SkuRest = SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-");
    private static readonly SearchValues<char> ZoneFirst = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789");
    private static readonly SearchValues<char> ZoneRest = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    public static bool IsSku(string? value) => Matches(value, MaxSkuLength, SkuFirst, SkuRest);

    public static bool IsZone(string? value) => Matches(value, MaxZoneLength, ZoneFirst, ZoneRest);

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

    private static bool Matches(string? value, int maxLength, SearchValues<char> first, SearchValues<char> rest) =>
        value is { Length: > 0 } && value.Length <= maxLength && first.Contains(value[0]) && !value.AsSpan(1).ContainsAnyExcept(rest);
}
