using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Api.Features.Stock;

/// <summary>One SKU's numbers in one zone, as store admins see them.</summary>
/// <param name="Available">On hand − reserved − safety stock, never below 0.</param>
/// <param name="ReorderPoint">A low-stock alert is raised when available falls to or below it; null: none.</param>
public sealed record StockLevelResponse(string Sku, string Zone, int OnHand, int Reserved, int Available, int SafetyStock, int? ReorderPoint)
{
    public static StockLevelResponse From(StockLevel level) =>
        new(level.Sku, level.Zone, level.OnHand, level.Reserved, level.Available, level.SafetyStock, level.ReorderPoint);
}
