using MultiStore.Grains.Analytics;
using MultiStore.Grains.Interfaces.Analytics;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Analytics;

/// <summary>
/// A store's final days move from its analytics state to its month archives: each write then carries the last few
/// days only, and reads, storage failures and restarts see exactly the figures they saw before.
/// </summary>
public sealed class AnalyticsArchiveTests(FlakyStorageCluster cluster) : IClassFixture<FlakyStorageCluster>
{
    private const string State = "analytics";
    private const string MonthState = "analytics-month";

    private readonly TenantId _tenant = ClusterFixture.NewTenant();
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    private IStoreAnalyticsGrain Analytics => cluster.Client.GetGrain<IStoreAnalyticsGrain>(TenantKey.For(_tenant, IStoreAnalyticsGrain.EntityId));

    private DateOnly Today => StoreAnalyticsRules.DayOf(_now);

    [Fact]
    public async Task Archive_OfFinalDays_LeavesOnlyRecentDaysLive_AndReadsAcrossBothGiveTheSameFiguresAndTopSkus()
    {
        var expected = StoredHistory(days: 400);
        var report = Placed("today-1");
        StoreAnalyticsRules.Count(expected, report);

        using var _ = ClusterFixture.ActAs(_tenant);
        await Analytics.RecordAsync(report);
        var stored = await ArchivedAsync();

        Assert.True(stored.Days.Count <= 3);
        Assert.NotNull(stored.ArchivedBefore);
        await AssertReadsAsync(expected);

        // Read again from what storage holds: the live state and the months.
        await cluster.DeactivateAsync(Analytics);
        await AssertReadsAsync(expected);

        // A platform operator (no store of its own) and a store's analyst reach the archived days through the store's grain.
        using (ClusterFixture.ActAsPlatform())
        {
            await AssertReadsAsync(expected);
        }

        using (TenantContext.ForCaller(_tenant, "analyst", [StorePermission.AnalyticsRead]))
        {
            await AssertReadsAsync(expected);
            var month = cluster.Client.GetGrain<IStoreAnalyticsMonthGrain>(AnalyticsMonthKeys.For(_tenant, Today.AddDays(-50)));
            await Assert.ThrowsAsync<StorePermissionException>(() => month.SetDaysAsync([]));
        }

        using (ClusterFixture.ActAs(ClusterFixture.NewTenant()))
        {
            var foreignMonth = cluster.Client.GetGrain<IStoreAnalyticsMonthGrain>(AnalyticsMonthKeys.For(_tenant, Today.AddDays(-50)));
            await Assert.ThrowsAsync<TenantIsolationException>(() => foreignMonth.GetDaysAsync(Today.AddDays(-60), Today, withSkus: true));
        }
    }

    [Fact]
    public async Task Archive_WhenTheLiveWriteAfterIt_Fails_LosesNothing_AndCountsNothingTwice()
    {
        var expected = StoredHistory(days: 100);
        var first = Placed("first");
        var second = Placed("second");
        StoreAnalyticsRules.Count(expected, first);
        StoreAnalyticsRules.Count(expected, second);

        // The report's write succeeds; the one that was to drop the archived days fails, after the months stored them.
        cluster.Storage.FailNextWrite(Analytics.GetGrainId(), succeeding: 1);
        using var _ = ClusterFixture.ActAs(_tenant);
        await Analytics.RecordAsync(first);
        await Eventually.HoldsAsync(() => !cluster.Storage.WillFail(Analytics.GetGrainId()));
        var afterFailure = cluster.Storage.Stored<AnalyticsState>(State, Analytics.GetGrainId())!;
        Assert.Null(afterFailure.ArchivedBefore);
        Assert.Contains(StoreAnalyticsRules.DayKey(Today.AddDays(-50)), afterFailure.Days.Keys);
        Assert.NotNull(StoredMonth(Today.AddDays(-50)));

        // The days are now both live and archived: read once. A report repeated after the failure counts nothing.
        await Analytics.RecordAsync(first);
        await AssertReadsAsync(expected, without: second);

        // The next activation archives the same days again and drops them this time.
        await Analytics.RecordAsync(second);
        await ArchivedAsync();
        await AssertReadsAsync(expected);
        await cluster.DeactivateAsync(Analytics);
        await AssertReadsAsync(expected);
    }

    [Fact]
    public async Task Archive_WhenAMonthFailsToStoreItsDays_KeepsEveryDayLive_AndArchivesThemNextTime()
    {
        var expected = StoredHistory(days: 100);
        var first = Placed("first");
        var second = Placed("second");
        StoreAnalyticsRules.Count(expected, first);
        StoreAnalyticsRules.Count(expected, second);
        var failingMonth = cluster.Client.GetGrain<IStoreAnalyticsMonthGrain>(AnalyticsMonthKeys.For(_tenant, Today.AddDays(-50))).GetGrainId();
        cluster.Storage.FailNextWrite(failingMonth);

        using var _ = ClusterFixture.ActAs(_tenant);
        await Analytics.RecordAsync(first);
        await Eventually.HoldsAsync(() => !cluster.Storage.WillFail(failingMonth));

        Assert.Null(StoredMonth(Today.AddDays(-50)));
        await AssertReadsAsync(expected, without: second);
        Assert.Null(cluster.Storage.Stored<AnalyticsState>(State, Analytics.GetGrainId())!.ArchivedBefore);

        await cluster.DeactivateAsync(Analytics);
        await Analytics.RecordAsync(second);
        await ArchivedAsync();
        await AssertReadsAsync(expected);
    }

    [Fact]
    public async Task StoredStateWithEveryKeptDay_ShrinksOnItsFirstArchive_AndEveryDayReadsFromTheArchive()
    {
        var expected = StoredHistory(days: StoreAnalyticsRules.KeptDays);
        var report = Placed("today-1");
        StoreAnalyticsRules.Count(expected, report);
        var before = cluster.Storage.Stored<AnalyticsState>(State, Analytics.GetGrainId())!;
        Assert.Equal(StoreAnalyticsRules.KeptDays, before.Days.Count);

        using var _ = ClusterFixture.ActAs(_tenant);
        await Analytics.RecordAsync(report);
        var stored = await ArchivedAsync();

        Assert.True(stored.Days.Count <= 3, $"{stored.Days.Count} days still live");
        Assert.True(stored.Days.Values.Sum(day => day.Skus.Count) * 100 < before.Days.Values.Sum(day => day.Skus.Count));
        await cluster.DeactivateAsync(Analytics);
        var firstKept = StoreAnalyticsRules.FirstKeptDay(_now);
        var older = firstKept.AddDays(IStoreAnalyticsGrain.MaxDays - 1);
        AssertSame(StoreAnalyticsRules.Read(expected, firstKept, older, 20), await Analytics.GetAsync(firstKept, older, 20));
        AssertSame(StoreAnalyticsRules.Read(expected, older.AddDays(1), Today, 20), await Analytics.GetAsync(older.AddDays(1), Today, 20));
    }

    [Fact]
    public async Task Archive_ClearsTheMonthsThatEndBeforeTheKeptDays_AndKeepsTheRest()
    {
        var firstKept = StoreAnalyticsRules.FirstKeptDay(_now);
        var expired = firstKept.AddMonths(-3);
        var kept = Today.AddDays(-40);
        cluster.Storage.Overwrite(State, Analytics.GetGrainId(), new AnalyticsState
        {
            Currency = "EUR",
            ArchivedBefore = Today.AddDays(-3),
            ArchivedFrom = new DateOnly(expired.Year, expired.Month, 1),
        });
        foreach (var day in new[] { expired, expired.AddMonths(1), kept })
        {
            var month = new AnalyticsMonthState();
            month.Days[StoreAnalyticsRules.DayKey(day)] = new AnalyticsDay { OrdersPlaced = 1 };
            cluster.Storage.Overwrite(MonthState, MonthGrain(day), month);
        }

        using var _ = ClusterFixture.ActAs(_tenant);
        await Analytics.RecordAsync(Placed("today-1"));

        await Eventually.ReadAsync(
            () => Task.FromResult(cluster.Storage.Stored<AnalyticsState>(State, Analytics.GetGrainId())!),
            state => state.ArchivedFrom == new DateOnly(firstKept.Year, firstKept.Month, 1));
        Assert.Null(StoredMonth(expired));
        Assert.Null(StoredMonth(expired.AddMonths(1)));
        Assert.NotNull(StoredMonth(kept));
    }

    /// <summary>
    /// Stores a state as the grain wrote it before archiving: <paramref name="days"/> days up to today, each with a
    /// few SKUs whose sales vary by day, and no archive. Returns a copy to count the test's reports into.
    /// </summary>
    private AnalyticsState StoredHistory(int days)
    {
        var state = new AnalyticsState { Currency = "EUR" };
        for (var back = 0; back < days; back++)
        {
            var day = new AnalyticsDay { OrdersPlaced = 3 + (back % 5), OrdersPaid = 2 + (back % 3), OrdersExpired = back % 2, Revenue = 10m + back, UnitsSold = 4 + back };
            for (var sku = 0; sku < 4; sku++)
            {
                day.Skus[$"SKU-{(back + sku) % 11}"] = new SkuTally(1 + ((back * sku) % 7), 2.5m * (sku + 1));
            }

            state.Days[StoreAnalyticsRules.DayKey(Today.AddDays(-back))] = day;
        }

        cluster.Storage.Overwrite(State, Analytics.GetGrainId(), state);
        return state.Copy();
    }

    private OrderView Placed(string orderId) =>
        new(orderId, "cart", OrderStatus.PendingPayment, [new OrderLine("SKU-1", ClusterFixture.DefaultZone, 1, $"{orderId}-r", 4m)], _now, _now.AddMinutes(15), null, null, "EUR");

    /// <summary>Waits until the live state stored shows an archive run and no day older than the day before yesterday.</summary>
    private async Task<AnalyticsState> ArchivedAsync()
    {
        var oldestLive = StoreAnalyticsRules.DayKey(Today.AddDays(-2));
        var stored = await Eventually.ReadAsync(
            () => Task.FromResult(cluster.Storage.Stored<AnalyticsState>(State, Analytics.GetGrainId())!),
            state => state.ArchivedBefore is not null && state.Days.Keys.All(day => string.CompareOrdinal(day, oldestLive) >= 0));
        Assert.NotNull(stored.ArchivedBefore);
        Assert.All(stored.Days.Keys, day => Assert.True(string.CompareOrdinal(day, oldestLive) >= 0, $"{day} is still live"));
        return stored;
    }

    private AnalyticsMonthState? StoredMonth(DateOnly day) => cluster.Storage.Stored<AnalyticsMonthState>(MonthState, MonthGrain(day));

    private GrainId MonthGrain(DateOnly day) => cluster.Client.GetGrain<IStoreAnalyticsMonthGrain>(AnalyticsMonthKeys.For(_tenant, day)).GetGrainId();

    /// <summary>Reads ranges that lie in the archive, span archive and live days, and cover the longest read.</summary>
    private async Task AssertReadsAsync(AnalyticsState expected, OrderView? without = null)
    {
        var ranges = new[]
        {
            (Today.AddDays(1 - IStoreAnalyticsGrain.MaxDays), Today),
            (Today.AddDays(-70), Today.AddDays(-20)),
            (Today.AddDays(-10), Today),
            (Today, Today),
        };
        foreach (var (from, to) in ranges)
        {
            var read = await Analytics.GetAsync(from, to, 5);
            var figures = StoreAnalyticsRules.Read(expected, from, to, 5);
            if (without is not null && to == Today)
            {
                // The report not yet made was placed today.
                figures = figures with
                {
                    Totals = figures.Totals with { OrdersPlaced = figures.Totals.OrdersPlaced - 1 },
                    Days = [.. figures.Days.Select(day => day.Date == Today ? day with { Figures = day.Figures with { OrdersPlaced = day.Figures.OrdersPlaced - 1 } } : day)],
                };
            }

            AssertSame(figures, read);
        }
    }

    private static void AssertSame(StoreAnalytics expected, StoreAnalytics actual)
    {
        Assert.Equal(expected.Currency, actual.Currency);
        Assert.Equal(expected.Totals, actual.Totals);
        Assert.Equal(expected.Days, actual.Days);
        Assert.Equal(expected.TopSkus, actual.TopSkus);
    }
}
