using MultiStore.Grains.Interfaces.Tenancy;
using Orleans.Concurrency;

namespace MultiStore.Grains.Interfaces.Stock;

/// <summary>A store's low-stock alerts (key <c>tenantId/alerts</c>), raised by its stock entries.</summary>
[Alias("multistore.IStockAlertsGrain")]
public interface IStockAlertsGrain : ITenantScopedGrain
{
    /// <summary>The entity part of the key.</summary>
    const string EntityId = "alerts";

    /// <summary>Records an alert. One-way: a stock entry never waits on its alerts.</summary>
    [RequiresPermission(StorePermission.AlertsWrite), OneWay, Alias("Raise")]
    Task RaiseAsync(LowStockAlert alert);

    /// <summary>The most recent alerts, newest first.</summary>
    [RequiresPermission(StorePermission.AlertsRead)]
    [Alias("List")]
    Task<IReadOnlyList<LowStockAlert>> ListAsync(int take);
}
