using MultiStore.Grains.Interfaces.Analytics;
using MultiStore.Grains.Interfaces.Carts;
using MultiStore.Grains.Interfaces.Catalog;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Storefront;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Interfaces.Warehouse;

namespace MultiStore.Api.Tenancy;

/// <summary>
/// The only way endpoints reach store data: every grain it hands out is keyed (through <see cref="TenantKey"/>)
/// by the store this request resolved to, so no route value or body field can point a call at another store.
/// Ids are checked here as well, before any key is built.
/// </summary>
public sealed class TenantGrains(IGrainFactory grains, RequestTenant requestTenant)
{
    /// <summary>The store every grain from this instance belongs to.</summary>
    public TenantId Tenant
    {
        get
        {
            var tenant = requestTenant.Id;
            // The ambient Orleans context must name the same store, or the silo's isolation filter would refuse
            // the call later with a less helpful error.
            if (TenantContext.Tenant != tenant)
            {
                throw new InvalidOperationException($"The ambient tenant context does not match the request's store '{tenant}'.");
            }

            return tenant;
        }
    }

    public IStockGrain Stock(string sku, string zone) =>
        grains.GetGrainByKey<IStockGrain>(TenantKey.For(Tenant, StockEntryId.Format(sku, zone)));

    public ISkuGrain Sku(string sku)
    {
        IdRules.EnsureSku(sku);
        return grains.GetGrainByKey<ISkuGrain>(TenantKey.For(Tenant, sku));
    }

    public ICartGrain Cart(string cartId) => grains.GetGrainByKey<ICartGrain>(TenantKey.For(Tenant, CanonicalUuid(cartId)));

    public IOrderGrain Order(string orderId) => grains.GetGrainByKey<IOrderGrain>(TenantKey.For(Tenant, CanonicalUuid(orderId)));

    public ITenantGrain Store() => grains.GetGrainByKey<ITenantGrain>(TenantKey.For(Tenant, ITenantGrain.EntityId));

    public ICatalogGrain Catalog() => grains.GetGrainByKey<ICatalogGrain>(TenantKey.For(Tenant, ICatalogGrain.EntityId));

    public IStorefrontGrain Storefront() => grains.GetGrainByKey<IStorefrontGrain>(TenantKey.For(Tenant, IStorefrontGrain.EntityId));

    public IWarehouseGrain Warehouse() => grains.GetGrainByKey<IWarehouseGrain>(TenantKey.For(Tenant, IWarehouseGrain.EntityId));

    public IStockAlertsGrain Alerts() => grains.GetGrainByKey<IStockAlertsGrain>(TenantKey.For(Tenant, IStockAlertsGrain.EntityId));

    public IStoreAnalyticsGrain Analytics() => grains.GetGrainByKey<IStoreAnalyticsGrain>(TenantKey.For(Tenant, IStoreAnalyticsGrain.EntityId));

    /// <summary>One spelling per UUID (lowercase), so "ABC…" and "abc…" never name two carts.</summary>
    public static string CanonicalUuid(string id) =>
        Guid.TryParseExact(id, "D", out var uuid)
            ? uuid.ToString("D")
            : throw new StoreRuleException(RuleCodes.InvalidId, $"'{id}' is not a UUID.");
}
