namespace MultiStore.Grains.Interfaces.Orders;

[GenerateSerializer, Alias("multistore.OrderStatus")]
public enum OrderStatus
{
    PendingPayment = 0,
    Paid = 1,
    Cancelled = 2,
    Expired = 3,
}
