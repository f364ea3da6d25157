namespace MultiStore.Grains.Interfaces.Carts;

/// <summary>Why a cart change or checkout could not reserve: what was asked and what is available.</summary>
[GenerateSerializer, Immutable, Alias("multistore.StockShortage")]
public sealed record StockShortage(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Zone,
    [property: Id(2)] int Requested,
    [property: Id(3)] int Available);
