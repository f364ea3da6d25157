namespace MultiStore.Grains.Interfaces.Stock;

/// <summary>
/// The numbers of one SKU in one zone. <see cref="Available"/> = on hand − reserved − safety stock, never below 0.
/// </summary>
/// <param name="ReorderPoint">When available falls to or below it, the store gets a low-stock alert; null: no alerts.</param>
[GenerateSerializer, Immutable, Alias("multistore.StockLevel")]
public sealed record StockLevel(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Zone,
    [property: Id(2)] int OnHand,
    [property: Id(3)] int Reserved,
    [property: Id(4)] int SafetyStock,
    [property: Id(5)] bool IsStocked,
    [property: Id(6)] int? ReorderPoint = null)
{
    public int Available => Math.Max(0, OnHand - Reserved - SafetyStock);
}
