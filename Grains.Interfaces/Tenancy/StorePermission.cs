namespace MultiStore.Grains.Interfaces.Tenancy;

/// <summary>
/// The names of what a caller may do inside one store. The API resolves a caller's roles in the store it acts for
/// into these names and sends them with every grain call (<see cref="TenantContext.Permissions"/>); the silo checks
/// them against <see cref="RequiresPermissionAttribute"/> on the grain method. Which role grants which permission
/// is decided in one table only, the API's <c>StorePermissions</c>.
/// </summary>
public static class StorePermission
{
    /// <summary>The storefront scope: what an anonymous shopper on the store's host may do (carts, own orders, availability).</summary>
    public const string Shop = "shop";

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

    /// <summary>
    /// Counting an order in the store's figures: granted to no role. Orders report themselves (grain calls, which the
    /// silo does not re-check); from outside the cluster only system code may.
    /// </summary>
    public const string AnalyticsWrite = "analytics.write";

    /// <summary>Reading the store's audit trail.</summary>
    public const string AuditRead = "audit.read";

    /// <summary>Appending to the store's audit trail: granted to no role, only to the API's own recorder (system scope).</summary>
    public const string AuditWrite = "audit.write";

    /// <summary>Expiring a stock entry's due holds on demand: granted to no role, only to the silos' wake-up sweeper (system scope).</summary>
    public const string StockExpire = "stock.expire";

    /// <summary>The grant of trusted system code acting for a store (timers, seeding, the audit recorder): every permission.</summary>
    public const string System = "*";
}
