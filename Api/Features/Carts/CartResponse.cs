using MultiStore.Grains.Interfaces.Carts;

namespace MultiStore.Api.Features.Carts;

/// <summary>A cart as shoppers and support see it.</summary>
/// <param name="Status"><c>open</c>, or <c>checked-out</c> once an order took it over (see <see cref="OrderId"/>).</param>
public sealed record CartResponse(string CartId, string Status, string? OrderId, DateTimeOffset UpdatedAt, IReadOnlyList<CartLineResponse> Lines)
{
    public const string Open = "open";
    public const string CheckedOut = "checked-out";

    public static CartResponse From(CartView cart) => new(
        cart.CartId,
        cart.IsCheckedOut ? CheckedOut : Open,
        cart.OrderId,
        cart.UpdatedAt,
        [.. cart.Lines.Select(line => new CartLineResponse(line.Sku, line.Zone, line.Quantity, line.ReservationId, line.ExpiresAt, line.IsHeld))]);
}

/// <param name="ExpiresAt">When the line's hold ends; in a checked-out cart, its order's payment deadline.</param>
/// <param name="Held">
/// False once the line's hold expired; checkout then tries to reserve again. In a checked-out cart, true only while its
/// order is pending payment.
/// </param>
public sealed record CartLineResponse(string Sku, string Zone, int Quantity, string ReservationId, DateTimeOffset ExpiresAt, bool Held);
