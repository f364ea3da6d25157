using System.Collections.Frozen;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Auth;

/// <summary>
/// The one table of what each store role may do. A permission is granted only by a role held in the store the
/// request acts for; the platform role appears nowhere here, so it grants no store rights. The API sends the
/// resolved permissions with every grain call and the silo checks them again (<see cref="RequiresPermissionAttribute"/>).
/// </summary>
public static class StorePermissions
{
    public const string StockRead = StorePermission.StockRead;
    public const string StockWrite = StorePermission.StockWrite;
    public const string OrdersRead = StorePermission.OrdersRead;
    public const string OrdersPay = StorePermission.OrdersPay;
    public const string CartsRead = StorePermission.CartsRead;
    public const string AuditRead = StorePermission.AuditRead;
    public const string CatalogRead = StorePermission.CatalogRead;
    public const string CatalogWrite = StorePermission.CatalogWrite;
    public const string ZonesWrite = StorePermission.ZonesWrite;
    public const string StorefrontWrite = StorePermission.StorefrontWrite;
    public const string AlertsRead = StorePermission.AlertsRead;
    public const string AlertsWrite = StorePermission.AlertsWrite;
    public const string WebhooksManage = StorePermission.WebhooksManage;
    public const string AnalyticsRead = StorePermission.AnalyticsRead;

    /// <summary>Every permission a store role can hold (each has an authorization policy, <see cref="Policy"/>).</summary>
    public static IReadOnlyList<string> All { get; } =
    [
        StockRead, StockWrite, OrdersRead, OrdersPay, CartsRead, AuditRead,
        CatalogRead, CatalogWrite, ZonesWrite, StorefrontWrite, AlertsRead, AlertsWrite, WebhooksManage, AnalyticsRead,
    ];

    private static readonly FrozenDictionary<string, FrozenSet<string>> ByRole = new Dictionary<string, FrozenSet<string>>
    {
        // Everything in the store, including its audit trail (and, across stores, the owner's cross-store view).
        [StoreRoles.Owner] = FrozenSet.Create(
            StockRead, StockWrite, OrdersRead, OrdersPay, CartsRead, AuditRead,
            CatalogRead, CatalogWrite, ZonesWrite, StorefrontWrite, AlertsRead, AlertsWrite, WebhooksManage, AnalyticsRead),
        // Runs the store's merchandise: stock and orders, not shoppers' carts, not the audit trail.
        // Also the catalog, the storefront's look, low-stock thresholds and the store's numbers; the webhook secret stays
        // with the owner.
        [StoreRoles.BrandManager] = FrozenSet.Create(
            StockRead, StockWrite, OrdersRead, OrdersPay,
            CatalogRead, CatalogWrite, StorefrontWrite, AlertsRead, AlertsWrite, AnalyticsRead),
        // Stock, and what the floor needs around it: zones, reorder thresholds and their alerts, the catalog to read.
        [StoreRoles.Warehouse] = FrozenSet.Create(StockRead, StockWrite, CatalogRead, ZonesWrite, AlertsRead, AlertsWrite),
        // Helps shoppers: reads orders, carts, availability and the catalog; changes nothing.
        [StoreRoles.Support] = FrozenSet.Create(StockRead, OrdersRead, CartsRead, CatalogRead),
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>True when <paramref name="role"/> grants <paramref name="permission"/>; unknown roles grant nothing.</summary>
    public static bool Grants(string role, string permission) =>
        ByRole.TryGetValue(role, out var permissions) && permissions.Contains(permission);

    /// <summary>What <paramref name="role"/> grants; nothing for an unknown role.</summary>
    public static IReadOnlySet<string> Of(string role) =>
        ByRole.TryGetValue(role, out var permissions) ? permissions : FrozenSet<string>.Empty;

    /// <summary>The authorization policy name that demands <paramref name="permission"/> in the resolved store.</summary>
    public static string Policy(string permission) => $"store:{permission}";
}
