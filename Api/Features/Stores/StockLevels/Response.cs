using MultiStore.Api.Features.Stock.GetLevels;

namespace MultiStore.Api.Features.Stores.StockLevels;

/// <summary>The SKU's totals over the listed stores, and each store's zones.</summary>
public sealed record Response(string Sku, int OnHand, int Reserved, int Available, IReadOnlyList<StoreLevels> Stores);

public sealed record StoreLevels(string TenantId, int OnHand, int Reserved, int Available, IReadOnlyList<ZoneLevel> Zones)
{
    public static StoreLevels From(string tenantId, IReadOnlyList<ZoneLevel> zones) =>
        new(tenantId, zones.Sum(zone => zone.OnHand), zones.Sum(zone => zone.Reserved), zones.Sum(zone => zone.Available), zones);
}
