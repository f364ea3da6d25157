using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Analytics;

namespace MultiStore.Grains.Analytics;

/// <summary>
/// One month of a store's final days. Written rarely (the store's analytics grain archives days about once an hour
/// at most) and read for ranges that reach past the last few days. A failed write ends the activation (see
/// <see cref="DeactivateOnFailureCallFilter"/>), so memory never answers with days storage does not hold.
/// </summary>
public sealed class StoreAnalyticsMonthGrain(
    [PersistentState("analytics-month", StorageNames.Store)] IPersistentState<AnalyticsMonthState> month) : Grain, IStoreAnalyticsMonthGrain
{
    /// <inheritdoc />
    public async Task SetDaysAsync(IReadOnlyList<DayFigures> days)
    {
        foreach (var day in days)
        {
            month.State.Days[StoreAnalyticsRules.DayKey(day.Date)] = AnalyticsDay.From(day);
        }

        await month.WriteStateAsync();
    }

    /// <inheritdoc />
    public async Task ClearAsync()
    {
        if (month.RecordExists)
        {
            await month.ClearStateAsync();
        }

        DeactivateOnIdle();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<DayFigures>> GetDaysAsync(DateOnly from, DateOnly to, bool withSkus)
    {
        // Keys are yyyy-MM-dd, so ordinal order is date order; the month's own days bound the work, not the range.
        var (first, last) = (StoreAnalyticsRules.DayKey(from), StoreAnalyticsRules.DayKey(to));
        IReadOnlyList<DayFigures> days = [.. month.State.Days
            .Where(day => string.CompareOrdinal(day.Key, first) >= 0 && string.CompareOrdinal(day.Key, last) <= 0)
            .OrderBy(day => day.Key, StringComparer.Ordinal)
            .Select(day => day.Value.ToDayFigures(StoreAnalyticsRules.ParseDayKey(day.Key), withSkus))];
        return Task.FromResult(days);
    }
}
