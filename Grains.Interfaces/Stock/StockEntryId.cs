using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Grains.Interfaces.Stock;

/// <summary>The entity part of a stock entry's key: <c>sku@zone</c>.</summary>
public static class StockEntryId
{
    public static string Format(string sku, string zone)
    {
        IdRules.EnsureSku(sku);
        IdRules.EnsureZone(zone);
        return $"{sku}@{zone}";
    }

    public static (string Sku, string Zone) Parse(string entityId)
    {
        var at = entityId.LastIndexOf('@');
        return at > 0 ? (entityId[..at], entityId[(at + 1)..]) : throw new FormatException($"'{entityId}' is not sku@zone.");
    }
}
