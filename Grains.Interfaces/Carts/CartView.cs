namespace MultiStore.Grains.Interfaces.Carts;

/// <summary>A cart as a shopper sees it.</summary>
/// <param name="OrderId">Set once the cart was checked out; the cart is then closed.</param>
[GenerateSerializer, Immutable, Alias("multistore.CartView")]
public sealed record CartView(
    [property: Id(0)] string CartId,
    [property: Id(1)] IReadOnlyList<CartLine> Lines,
    [property: Id(2)] string? OrderId,
    [property: Id(3)] DateTimeOffset UpdatedAt)
{
    public bool IsCheckedOut => OrderId is not null;
}
