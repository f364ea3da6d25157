using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Interfaces.Analytics;

/// <summary>
/// The archive of one calendar month of a store's figures (key <c>tenantId/analytics-month-yyyy-MM</c>, built by
/// <see cref="AnalyticsMonthKeys"/>). The store's <see cref="IStoreAnalyticsGrain"/> moves here the days no report can
/// change any more, so that each of its own writes carries only the last few days; it reads them back for a range
/// that reaches them. Only that grain calls it (on its own authority, for its own store).
/// </summary>
[Alias("multistore.IStoreAnalyticsMonthGrain")]
public interface IStoreAnalyticsMonthGrain : ITenantScopedGrain
{
    /// <summary>
    /// Stores each day's figures, replacing what the month held for that day: setting the same day again changes
    /// nothing, so an archive interrupted half-way is simply done again. Answers once the days are durable.
    /// </summary>
    [RequiresPermission(StorePermission.AnalyticsWrite), Alias("SetDays")]
    Task SetDaysAsync(IReadOnlyList<DayFigures> days);

    /// <summary>Deletes the month's stored days, once all of them are older than the days a store keeps.</summary>
    [RequiresPermission(StorePermission.AnalyticsWrite), Alias("Clear")]
    Task ClearAsync();

    /// <summary>
    /// The month's stored days from <paramref name="from"/> to <paramref name="to"/> (inclusive), oldest first; days
    /// without figures are left out. Without <paramref name="withSkus"/> each day's SKU tallies are left out too.
    /// </summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.AnalyticsRead), Alias("GetDays")]
    Task<IReadOnlyList<DayFigures>> GetDaysAsync(DateOnly from, DateOnly to, bool withSkus);
}

/// <summary>The keys of a store's month archives: the one place they are built.</summary>
public static class AnalyticsMonthKeys
{
    /// <summary>What every month's entity id starts with; the month follows as <c>yyyy-MM</c>.</summary>
    public const string EntityIdPrefix = "analytics-month-";

    /// <summary>The key of the month of <paramref name="tenant"/> that holds <paramref name="day"/>.</summary>
    public static string For(TenantId tenant, DateOnly day) =>
        TenantKey.For(tenant, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{EntityIdPrefix}{day:yyyy-MM}"));
}

/// <summary>One UTC day of a store's figures as archived: the counts and what each SKU sold (paid orders).</summary>
[GenerateSerializer, Immutable, Alias("multistore.DayFigures")]
public sealed record DayFigures(
    [property: Id(0)] DateOnly Date,
    [property: Id(1)] SalesFigures Figures,
    [property: Id(2)] IReadOnlyList<SkuSales> Skus);
