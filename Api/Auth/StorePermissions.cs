using System.Collections.Frozen;

namespace MultiStore.Api.Auth;

/// <summary>
/// The one table of what each store role may do. A permission is granted only by a role held in the store
/// that the request's host resolved to; the platform role appears nowhere here, so it grants no store rights.
/// </summary>
public static class StorePermissions
{
    public const string StockRead = "stock.read";
    public const string StockWrite = "stock.write";
    public const string OrdersRead = "orders.read";
    public const string OrdersPay = "orders.pay";
    public const string CartsRead = "carts.read";

    public static IReadOnlyList<string> All { get; } = [StockRead, StockWrite, OrdersRead, OrdersPay, CartsRead];

    private static readonly FrozenDictionary<string, FrozenSet<string>> ByRole = new Dictionary<string, FrozenSet<string>>
    {
        [StoreRoles.Owner] = FrozenSet.Create(StockRead, StockWrite, OrdersRead, OrdersPay, CartsRead),
        [StoreRoles.BrandManager] = FrozenSet.Create(StockRead, StockWrite, OrdersRead, OrdersPay, CartsRead),
        [StoreRoles.Warehouse] = FrozenSet.Create(StockRead, StockWrite),
        [StoreRoles.Support] = FrozenSet.Create(StockRead, OrdersRead, CartsRead),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>True when <paramref name="role"/> grants <paramref name="permission"/>; unknown roles grant nothing.</summary>
    public static bool Grants(string role, string permission) =>
        ByRole.TryGetValue(role, out var permissions) && permissions.Contains(permission);

    /// <summary>The authorization policy name that demands <paramref name="permission"/> in the resolved store.</summary>
    public static string Policy(string permission) => $"store:{permission}";
}
