using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Interfaces.Carts;

/// <summary>
/// A shopper's cart (key <c>tenantId/cartId</c>, the cart id a client-made UUID). Setting a line reserves or
/// releases the difference at once; lines left alone expire with their reservations.
/// </summary>
[RetrySafe]
[Alias("multistore.ICartGrain")]
public interface ICartGrain : ITenantScopedGrain
{
    /// <summary>The cart, or null when no line was ever put in it.</summary>
    [RequiresPermission(StorePermission.Shop, StorePermission.CartsRead)]
    [Alias("Get")]
    Task<CartView?> GetAsync();

    /// <summary>Sets a line to exactly <paramref name="quantity"/> units (0 removes it), reserving the difference.</summary>
    [RequiresPermission(StorePermission.Shop)]
    [Alias("SetItem")]
    Task<CartChange> SetItemAsync(string sku, string zone, int quantity);

    /// <summary>
    /// <see cref="SetItemAsync"/> as the storefront asks it, with the storefront's gates checked here, next to the
    /// data, in one call: a SKU not stocked in the zone, a product no longer for sale, or a new line beyond
    /// <paramref name="maxLines"/> is refused (<see cref="CartChange.Refusal"/>) and nothing is reserved.
    /// A <paramref name="zone"/> of null sells from the store's default zone.
    /// </summary>
    [RequiresPermission(StorePermission.Shop)]
    [Alias("SetItemForShopper")]
    Task<CartChange> SetItemForShopperAsync(string sku, string? zone, int quantity, int maxLines);

    /// <summary>Removes a line and releases its units; null when the cart does not exist.</summary>
    [RequiresPermission(StorePermission.Shop)]
    [Alias("RemoveItem")]
    Task<CartView?> RemoveItemAsync(string sku);

    /// <summary>Creates the order that takes over the cart's reservations; repeating it returns the same order.</summary>
    [RequiresPermission(StorePermission.Shop)]
    [Alias("Checkout")]
    Task<CheckoutResult> CheckoutAsync();
}
