namespace MultiStore.Grains.Interfaces.Stock;

/// <summary>A stock entry's available units fell to or below its reorder point.</summary>
[GenerateSerializer, Immutable, Alias("multistore.LowStockAlert")]
public sealed record LowStockAlert(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Zone,
    [property: Id(2)] int Available,
    [property: Id(3)] int ReorderPoint,
    [property: Id(4)] DateTimeOffset At);
