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
    public const string CatalogRead = "catalog.read";
    public const string CatalogWrite = "catalog.write";
    public const string ZonesWrite = "zones.write";
    public const string StorefrontWrite = "storefront.write";
    public const string AlertsRead = "alerts.read";
    public const string AlertsWrite = "alerts.write";
    public const string WebhooksManage = "webhooks.manage";
    public const string AnalyticsRead = "analytics.read";

    public static IReadOnlyList<string> All { get; } =
    [
        StockRead, StockWrite, OrdersRead, OrdersPay, CartsRead,
        CatalogRead, CatalogWrite, ZonesWrite, StorefrontWrite, AlertsRead, AlertsWrite, WebhooksManage, AnalyticsRead,
    ];

    private static readonly FrozenDictionary<string, FrozenSet<string>> ByRole = new Dictionary<string, FrozenSet<string>>
    {
        [StoreRoles.Owner] = FrozenSet.Create(
            StockRead, StockWrite, OrdersRead, OrdersPay, CartsRead,
            CatalogRead, CatalogWrite, ZonesWrite, StorefrontWrite, AlertsRead, AlertsWrite, WebhooksManage, AnalyticsRead),
        // Also the catalog, the storefront's look, low-stock thresholds and the store's numbers; the webhook secret stays
        // with the owner.
        [StoreRoles.BrandManager] = FrozenSet.Create(
            StockRead, StockWrite, OrdersRead, OrdersPay, CartsRead,
            CatalogRead, CatalogWrite, StorefrontWrite, AlertsRead, AlertsWrite, AnalyticsRead),
        // Stock, and what the floor needs around it: zones, reorder thresholds and their alerts, the catalog to read.
        [StoreRoles.Warehouse] = FrozenSet.Create(StockRead, StockWrite, CatalogRead, ZonesWrite, AlertsRead, AlertsWrite),
        // Helps shoppers: reads orders, carts, availability and the catalog; changes nothing.
        [StoreRoles.Support] = FrozenSet.Create(StockRead, OrdersRead, CartsRead, CatalogRead),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>True when <paramref name="role"/> grants <paramref name="permission"/>; unknown roles grant nothing.</summary>
    public static bool Grants(string role, string permission) =>
        ByRole.TryGetValue(role, out var permissions) && permissions.Contains(permission);

    /// <summary>The authorization policy name that demands <paramref name="permission"/> in the resolved store.</summary>
    public static string Policy(string permission) => $"store:{permission}";
}
