using Microsoft.Extensions.Logging;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Analytics;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Persistence;
using Orleans.Concurrency;

namespace MultiStore.Grains.Analytics;

/// <summary>
/// A store's figures, with group commit (<see cref="StateGroupCommit"/>). Each report is counted synchronously on the in-memory view (no
/// <c>await</c> between deciding and counting, so reports never interleave inside a decision); the grain is
/// reentrant only so that reporters can wait together for one write. A reporter is answered once the write that holds
/// its report is durable; the persisted state is touched only by that one writer, between writes.
/// <para>
/// Days no report can change any more (<see cref="StoreAnalyticsRules.FinalBefore"/>) move to the store's month
/// archives (<see cref="IStoreAnalyticsMonthGrain"/>), so each write carries the last few days, not two years of SKU
/// tallies. The move runs beside the reports, never in front of them: first the archive stores the days (setting a
/// day is idempotent), then the next write drops them from the live state and records how far the archive reaches
/// (<see cref="AnalyticsState.ArchivedBefore"/>). Should that write fail, the next activation finds the days still
/// live and archives them again. Reads take the archived days from the month archives and the rest from memory.
/// </para>
/// </summary>
[Reentrant]
public sealed class StoreAnalyticsGrain(
    [PersistentState("analytics", StorageNames.Store)] IPersistentState<AnalyticsState> analytics,
    TimeProvider time,
    ILogger<StoreAnalyticsGrain> logger) : Grain, IStoreAnalyticsGrain
{
    // Pruning walks the whole memory; hourly is often enough for windows of hours and years.
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    // A store that comes back after years clears its expired months over a few runs, not in one fan-out.
    private const int MonthsClearedPerRun = 12;

    // What reads and decisions see; analytics.State lags it by the reports of the write to come.
    private AnalyticsState _view = new();
    private readonly List<UnwrittenReport> _unwritten = [];
    private StateGroupCommit? _commit;
    private DateTimeOffset _prunedAt;
    private Exception? _broken;
    private TenantId _tenant;

    // Days the month archives hold durably that the next write drops from the persisted state, and how far the
    // archive then reaches; the view has dropped them already.
    private readonly List<string> _archived = [];
    private DateOnly? _archivedBefore;
    private Task _archiving = Task.CompletedTask;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _view = analytics.State.Copy();
        _tenant = TenantKey.Parse(this.GetPrimaryKeyString()).Tenant;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task RecordAsync(OrderView order) => RecordAsync(order, acknowledged: null);

    /// <inheritdoc />
    public async Task RecordAsync(OrderView order, OrderStatus? acknowledged)
    {
        EnsureUsable();
        var counted = StoreAnalyticsRules.MayCount(_view, order, Now, acknowledged) && StoreAnalyticsRules.Count(_view, order, acknowledged);
        var forgotten = StoreAnalyticsRules.Forget(_view, order, acknowledged);
        if (counted || forgotten)
        {
            _unwritten.Add(new UnwrittenReport(order, acknowledged, counted));
        }

        // A repeated report waits too: what it repeats may still be on its way to storage. A forgetting needs no
        // write of its own: it rides on the next one, and until then storage remembers a little more than needed.
        await (counted ? Commit.ChangedAsync() : Commit.DurableAsync());
    }

    /// <inheritdoc />
    public Task<StoreAnalytics> GetAsync(DateOnly from, DateOnly to, int topSkus)
    {
        StoreAnalyticsRules.EnsureRange(from, to);
        StoreAnalyticsRules.EnsureTopSkus(topSkus);
        // Archived days older than the kept days read as zeros, as they did when the live state dropped them.
        var firstKept = StoreAnalyticsRules.FirstKeptDay(Now);
        var archivedFrom = firstKept > from ? firstKept : from;
        return _view.ArchivedBefore is { } archivedBefore && archivedFrom < archivedBefore && archivedFrom <= to
            ? ReadWithArchiveAsync(archivedFrom, DateOnly.FromDayNumber(Math.Min(to.DayNumber, archivedBefore.DayNumber - 1)), from, to, topSkus)
            : Task.FromResult(StoreAnalyticsRules.Read(_view, from, to, topSkus));
    }

    /// <summary>The figures of <paramref name="from"/>..<paramref name="to"/>, whose days <paramref name="archivedFrom"/>..<paramref name="archivedTo"/> are in the month archives.</summary>
    private async Task<StoreAnalytics> ReadWithArchiveAsync(DateOnly archivedFrom, DateOnly archivedTo, DateOnly from, DateOnly to, int topSkus)
    {
        // The live days are taken before the archives are asked: an archive run while they answer may move some of
        // them, and these day objects stay what they were. A day both live and archived (the live write that was to
        // drop it failed) reads once, from the live copy; both copies are the same final figures.
        var (first, last) = (StoreAnalyticsRules.DayKey(from), StoreAnalyticsRules.DayKey(to));
        var days = _view.Days
            .Where(day => string.CompareOrdinal(day.Key, first) >= 0 && string.CompareOrdinal(day.Key, last) <= 0)
            .ToDictionary(day => day.Key, day => day.Value, StringComparer.Ordinal);
        var currency = _view.Currency;
        var months = new List<(DateOnly From, DateOnly To)>();
        for (var month = MonthOf(archivedFrom); month <= archivedTo; month = month.AddMonths(1))
        {
            var monthEnd = month.AddMonths(1).AddDays(-1);
            months.Add((month < archivedFrom ? archivedFrom : month, monthEnd > archivedTo ? archivedTo : monthEnd));
        }

        IReadOnlyList<DayFigures>[] archived;
        // On the store's own authority: the caller was admitted to this grain (perhaps as a platform operator, who has
        // no store of its own), and the archive is part of it.
        using (TenantContext.ForTenant(_tenant, "system:analytics"))
        {
            archived = await Task.WhenAll(months.Select(month => Month(month.From).GetDaysAsync(month.From, month.To, withSkus: topSkus > 0)));
        }

        foreach (var day in archived.SelectMany(month => month))
        {
            days.TryAdd(StoreAnalyticsRules.DayKey(day.Date), AnalyticsDay.From(day));
        }

        return StoreAnalyticsRules.Read(currency, days, from, to, topSkus);
    }

    /// <summary>
    /// Moves the final days of the view to the month archives, then has the next write drop them. Runs beside the
    /// reports (started after a write, never awaited by a reporter); a failure leaves the days live for the next run.
    /// </summary>
    private async Task ArchiveAsync()
    {
        // Off the write that started it: its reporters are answered first.
        await Task.Yield();
        try
        {
            EnsureUsable();
            var archived = await ArchiveFinalDaysAsync();
            var cleared = await ClearExpiredMonthsAsync();
            if (archived + cleared == 0)
            {
                return;
            }

            await Commit.ChangedAsync();
            logger.LogInformation(
                "Analytics of {Grain}: {Days} final days archived before {Day}, {Months} expired months cleared",
                this.GetPrimaryKeyString(), archived, _view.ArchivedBefore, cleared);
        }
        catch (Exception failure)
        {
            logger.LogWarning(failure, "Analytics of {Grain} could not archive its final days; they stay live until the next try", this.GetPrimaryKeyString());
        }
    }

    /// <summary>Stores the view's final days in their months, then lets the view go of them; how many moved.</summary>
    private async Task<int> ArchiveFinalDaysAsync()
    {
        var finalBefore = StoreAnalyticsRules.FinalBefore(_view, Now);
        var firstLive = StoreAnalyticsRules.DayKey(finalBefore);
        // Final days never change again (MayCount refuses what would), so these copies stay exact while the
        // archives store them, whatever reports come meanwhile.
        var final = _view.Days
            .Where(day => string.CompareOrdinal(day.Key, firstLive) < 0)
            .Select(day => day.Value.ToDayFigures(StoreAnalyticsRules.ParseDayKey(day.Key)))
            .ToList();
        if (final.Count == 0)
        {
            return 0;
        }

        using (TenantContext.ForTenant(_tenant, "system:analytics"))
        {
            await Task.WhenAll(final
                .GroupBy(day => (day.Date.Year, day.Date.Month))
                .Select(month => Month(month.First().Date).SetDaysAsync([.. month])));
        }

        // Durable in the archives: the view lets them go now, the persisted state with the next write.
        var archivedBefore = _view.ArchivedBefore is { } before && before > finalBefore ? before : finalBefore;
        foreach (var day in final)
        {
            var key = StoreAnalyticsRules.DayKey(day.Date);
            _view.Days.Remove(key);
            _archived.Add(key);
        }

        var oldestMonth = MonthOf(final.Min(day => day.Date));
        _view.ArchivedFrom = _view.ArchivedFrom is { } from && from < oldestMonth ? from : oldestMonth;
        _view.ArchivedBefore = _archivedBefore = archivedBefore;
        return final.Count;
    }

    /// <summary>
    /// Clears the month archives that end before the first kept day (no read reaches them), oldest first, at most
    /// <see cref="MonthsClearedPerRun"/> a run; how many were cleared.
    /// </summary>
    private async Task<int> ClearExpiredMonthsAsync()
    {
        var firstKeptMonth = MonthOf(StoreAnalyticsRules.FirstKeptDay(Now));
        if (_view.ArchivedFrom is not { } from || from >= firstKeptMonth)
        {
            return 0;
        }

        var expired = new List<DateOnly>();
        for (var month = from; month < firstKeptMonth && expired.Count < MonthsClearedPerRun; month = month.AddMonths(1))
        {
            expired.Add(month);
        }

        using (TenantContext.ForTenant(_tenant, "system:analytics"))
        {
            await Task.WhenAll(expired.Select(month => Month(month).ClearAsync()));
        }

        _view.ArchivedFrom = expired[^1].AddMonths(1);
        return expired.Count;
    }

    private static DateOnly MonthOf(DateOnly day) => new(day.Year, day.Month, 1);

    private IStoreAnalyticsMonthGrain Month(DateOnly day) =>
        GrainFactory.GetGrain<IStoreAnalyticsMonthGrain>(AnalyticsMonthKeys.For(_tenant, day));

    private StateGroupCommit Commit => _commit ??= new StateGroupCommit(
        WriteAsync,
        failure => logger.LogDebug(failure, "An analytics write of {Grain} failed; the next one carries its reports", this.GetPrimaryKeyString()));

    /// <summary>Applies the unwritten reports and archived days to the persisted state, synchronously, then stores it.</summary>
    private async Task WriteAsync()
    {
        EnsureUsable();
        foreach (var report in _unwritten)
        {
            if (report.Counted)
            {
                StoreAnalyticsRules.Count(analytics.State, report.Order, report.Acknowledged);
            }

            StoreAnalyticsRules.Forget(analytics.State, report.Order, report.Acknowledged);
        }

        _unwritten.Clear();
        foreach (var day in _archived)
        {
            analytics.State.Days.Remove(day);
        }

        _archived.Clear();
        analytics.State.ArchivedBefore = _archivedBefore ?? analytics.State.ArchivedBefore;
        // Moved on only once the months it passed were stored (archived) or cleared: safe in any write.
        analytics.State.ArchivedFrom = _view.ArchivedFrom;
        // The first write of an activation prunes and archives, so a state stored with a longer memory or with every
        // kept day shrinks soon after it. Both copies are pruned alike: the view equals the state here, every report
        // being counted into both, and archived days having left both.
        var archiveDue = Now - _prunedAt > PruneEvery;
        if (archiveDue)
        {
            _prunedAt = Now;
            StoreAnalyticsRules.Prune(analytics.State, Now);
            StoreAnalyticsRules.Prune(_view, Now);
        }

        try
        {
            await analytics.WriteStateAsync();
        }
        catch (Exception failure)
        {
            // The view holds reports storage may not have: no later report may be acknowledged from it. Every waiting
            // reporter fails and retries; the next activation starts again from what storage holds.
            _broken = failure;
            logger.LogWarning(failure, "Analytics write of {Grain} failed; the activation is dropped", this.GetPrimaryKeyString());
            DeactivateOnIdle();
            throw new NotDurableException("The store's figures could not be stored; report again.");
        }

        if (archiveDue && _archiving.IsCompleted)
        {
            _archiving = ArchiveAsync();
        }
    }

    private void EnsureUsable()
    {
        if (_broken is not null)
        {
            throw new NotDurableException("The store's figures are being reloaded; report again.");
        }
    }

    private DateTimeOffset Now => time.GetUtcNow();

    /// <summary>A report the view took that the persisted state is yet to take, as the view took it.</summary>
    private sealed record UnwrittenReport(OrderView Order, OrderStatus? Acknowledged, bool Counted);
}
