namespace MultiStore.Grains.Interfaces.Stock;

/// <summary>An admin's change of on-hand: either by <see cref="Delta"/> or to an absolute <see cref="SetOnHand"/>.</summary>
[GenerateSerializer, Immutable, Alias("multistore.StockAdjustment")]
public sealed record StockAdjustment(
    [property: Id(0)] int? Delta,
    [property: Id(1)] int? SetOnHand,
    [property: Id(2)] int? SafetyStock,
    [property: Id(3)] string Reason);
