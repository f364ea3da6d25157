using MultiStore.Api.Features.Stock.GetLevels;

namespace MultiStore.Api.Features.Stores.StockLevels;

/// <summary>The SKU's totals over the listed stores, and each store's zones; totals are 64-bit (see <see cref="StoreLevels"/>).</summary>
public sealed record Response(string Sku, long OnHand, long Reserved, long Available, IReadOnlyList<StoreLevels> Stores);

/// <summary>One store's totals over its zones: 64-bit, as each zone holds up to a billion units.</summary>
public sealed record StoreLevels(string TenantId, long OnHand, long Reserved, long Available, IReadOnlyList<ZoneLevel> Zones)
{
    public static StoreLevels From(string tenantId, IReadOnlyList<ZoneLevel> zones) =>
        new(tenantId, zones.Sum(zone => (long)zone.OnHand), zones.Sum(zone => (long)zone.Reserved), zones.Sum(zone => (long)zone.Available), zones);
}
