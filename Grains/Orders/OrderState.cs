using MultiStore.Grains.Interfaces.Orders;

namespace MultiStore.Grains.Orders;

/// <summary>What an order persists: its view, or null before it was placed.</summary>
[GenerateSerializer, Alias("multistore.OrderState")]
public sealed class OrderState
{
    [Id(0)] public OrderView? Order { get; set; }
}
