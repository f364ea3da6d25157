using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Api.Features.Stock.GetLevels;

/// <summary>A SKU's full numbers in every zone it is stocked in, ordered by zone.</summary>
public sealed record Response(string Sku, IReadOnlyList<ZoneLevel> Zones);

/// <param name="Available">On hand − reserved − safety stock, never below 0.</param>
/// <param name="ReorderPoint">A low-stock alert is raised when available falls to or below it; null: none.</param>
public sealed record ZoneLevel(string Zone, int OnHand, int Reserved, int Available, int SafetyStock, int? ReorderPoint)
{
    public static ZoneLevel From(StockLevel level) => new(level.Zone, level.OnHand, level.Reserved, level.Available, level.SafetyStock, level.ReorderPoint);
}
