namespace MultiStore.Grains.Interfaces.Orders;

[GenerateSerializer, Immutable, Alias("multistore.OrderLine")]
public sealed record OrderLine(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Zone,
    [property: Id(2)] int Quantity,
    [property: Id(3)] string ReservationId);
