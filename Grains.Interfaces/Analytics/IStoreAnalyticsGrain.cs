using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Interfaces.Analytics;

/// <summary>
/// One store's sales figures (key <c>tenantId/analytics</c>), fed by the store's orders: each order reports itself
/// when it is placed and when it closes (paid, cancelled or expired). Figures are kept per UTC day: orders placed on
/// the day they were placed, payments, cancellations and expiries on the day the order closed.
/// </summary>
[Alias("multistore.IStoreAnalyticsGrain")]
public interface IStoreAnalyticsGrain : ITenantScopedGrain
{
    /// <summary>The entity part of the grain's key.</summary>
    const string EntityId = "analytics";

    /// <summary>The longest range one read covers, in days.</summary>
    const int MaxDays = 366;

    /// <summary>The most SKUs a read ranks.</summary>
    const int MaxTopSkus = 100;

    /// <summary>
    /// Counts <paramref name="order"/> as it now stands; answers once that is durable. Idempotent per order: an order
    /// is counted as placed once and as closed once, however often it is reported (a retry, a re-activation).
    /// </summary>
    /// <remarks>An earlier release's orders report through this; it counts as <see cref="RecordAsync(OrderView, OrderStatus?)"/> with nothing acknowledged.</remarks>
    [RequiresPermission(StorePermission.AnalyticsWrite), Alias("Record")]
    Task RecordAsync(OrderView order);

    /// <summary>
    /// Counts <paramref name="order"/> as it now stands, the order having stored that analytics acknowledged it up to
    /// <paramref name="acknowledged"/> (null: nothing stored yet); answers once that is durable. Idempotent per order,
    /// as <see cref="RecordAsync(OrderView)"/>. What the order says it stored is never counted again, so analytics need
    /// not remember it: a report whose <paramref name="acknowledged"/> is the order's status counts nothing and lets
    /// analytics forget the order, which keeps what each of its writes carries to the orders of the last moments.
    /// </summary>
    [RequiresPermission(StorePermission.AnalyticsWrite), Alias("RecordAcknowledged")]
    Task RecordAsync(OrderView order, OrderStatus? acknowledged);

    /// <summary>
    /// The figures of the UTC days <paramref name="from"/> to <paramref name="to"/> (inclusive, at most
    /// <see cref="MaxDays"/>), one entry per day, and the <paramref name="topSkus"/> SKUs with the most units sold in
    /// that range. A platform operator may read any store's figures (the platform-wide view).
    /// </summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.AnalyticsRead), PlatformAccess, Alias("Get")]
    Task<StoreAnalytics> GetAsync(DateOnly from, DateOnly to, int topSkus);
}
