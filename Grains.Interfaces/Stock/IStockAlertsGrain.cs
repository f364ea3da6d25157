using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;
using Orleans.Concurrency;

namespace MultiStore.Grains.Interfaces.Stock;

/// <summary>
/// A store's low-stock alerts (key <c>tenantId/alerts</c>), raised by its stock entries, and the store's webhook:
/// every alert raised while a webhook is set is POSTed to it, signed with the store's secret and retried with
/// exponential backoff until it is answered 2xx or its attempts run out. Reads interleave with a delivery in
/// progress, so a slow receiver never holds up the list.
/// </summary>
[Alias("multistore.IStockAlertsGrain")]
public interface IStockAlertsGrain : ITenantScopedGrain
{
    /// <summary>The entity part of the key.</summary>
    const string EntityId = "alerts";

    /// <summary>How many alerts one page may hold.</summary>
    const int MaxPage = 500;

    /// <summary>
    /// Records an alert and queues its delivery; idempotent (an alert already recorded is not added again), so the
    /// stock entry that raises it can retry until it is stored. No shopper's answer waits on it.
    /// </summary>
    [RequiresPermission(StorePermission.AlertsWrite), Alias("Raise")]
    Task RaiseAsync(LowStockAlert alert);

    /// <summary>The most recent alerts, newest first.</summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.AlertsRead), AlwaysInterleave]
    [Alias("List")]
    Task<IReadOnlyList<LowStockAlert>> ListAsync(int take);

    /// <summary>
    /// A page of alerts with their delivery, newest first: up to <paramref name="take"/> older than the alert
    /// <paramref name="before"/> (the previous page's <see cref="AlertPage.NextBefore"/>), or the newest. Lists only
    /// alerts storage holds: one whose write is still in flight is not listed yet.
    /// </summary>
    [RequiresPermission(StorePermission.AlertsRead), AlwaysInterleave, Alias("Page")]
    Task<AlertPage> PageAsync(long? before, int take);

    /// <summary>
    /// Sets the store's webhook to <paramref name="url"/> with a newly generated secret, which is answered here and
    /// never again (setting the webhook again rotates it). Refused with <c>invalid-webhook</c> for a URL it will
    /// not call. Alerts still waiting for delivery go to the new URL, signed with the new secret.
    /// </summary>
    [RequiresPermission(StorePermission.WebhooksManage), Alias("SetWebhook")]
    Task<WebhookSecret> SetWebhookAsync(string url);

    /// <summary>The store's webhook without its secret, or null when none is set.</summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.WebhooksManage), AlwaysInterleave, Alias("GetWebhook")]
    Task<WebhookView?> GetWebhookAsync();

    /// <summary>Removes the webhook and its secret; alerts waiting for delivery are marked failed. Idempotent.</summary>
    [RequiresPermission(StorePermission.WebhooksManage), Alias("RemoveWebhook")]
    Task RemoveWebhookAsync();
}
