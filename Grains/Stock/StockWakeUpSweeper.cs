using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Stock.Journal;

namespace MultiStore.Grains.Stock;

/// <summary>
/// The durable half of reservation expiry. An active stock entry expires its holds with its own
/// <see cref="DeadlineTimer"/>; this service, on every silo, looks in the journal for entries whose wake-up time
/// (<see cref="StockWakeUp"/>, written with the hold itself) has passed and wakes them, so a hold expires even when
/// the entry was deactivated or every silo that knew of it is gone. It replaces one Orleans reminder per entry,
/// which cost a row write of its own before the first hold and a silo's memory for every entry with a hold.
/// The silos share the work: each wakes the entries of its share of the active silos (<see cref="ShareOfThisSilo"/>),
/// so each silo added adds capacity, and sweeps again at once while a sweep finds more due than it takes. A silo that
/// died leaves its share to the others once membership drops it; until then, and whenever silos see membership
/// differently for a moment, each silo with time to spare also wakes whatever is overdue by more than
/// <see cref="OrphanGrace"/> in any share. A wake is idempotent, so an entry woken twice costs a call, never a second
/// expiry. A wake that fails moves the entry's wake-up time on by a growing delay (<see cref="RetryDelay"/>): rows
/// that cannot be woken would otherwise sort first at every sweep and take it whole.
/// </summary>
public sealed partial class StockWakeUpSweeper(
    IStockJournal journal,
    IGrainFactory grains,
    ISiloStatusOracle status,
    TimeProvider time,
    IOptions<ReservationOptions> options,
    ILogger<StockWakeUpSweeper> logger) : BackgroundService
{
    /// <summary>Entries woken at once: enough to overlap calls, few enough not to crowd out shoppers.</summary>
    private const int Parallelism = 16;

    /// <summary>The longest a failing entry waits between two wakes.</summary>
    public static readonly TimeSpan MostRetryDelay = TimeSpan.FromMinutes(5);

    /// <summary>Most entries one sweep (one journal read) wakes: 1,000 in production.</summary>
    public int MostPerSweep { get; init; } = 1_000;

    /// <summary>
    /// Most sweeps in one interval. The time budget (one interval) is the real bound; this one holds where time
    /// does not move (a test's fake clock), so a sweep that keeps finding entries still due cannot loop for ever.
    /// </summary>
    public int MostSweepsPerInterval { get; init; } = 100;

    private TimeSpan Interval => options.Value.WakeUpScanInterval;

    /// <summary>How overdue a row of another silo's share must be before every silo with time to spare wakes it too.</summary>
    public TimeSpan OrphanGrace => 3 * Interval;

    /// <summary>
    /// This silo's share: its place among the active silos as this silo's membership view lists them, in address
    /// order. The whole service when the view does not list this silo (yet).
    /// </summary>
    public WakeUpShare ShareOfThisSilo()
    {
        var active = status.GetApproximateSiloStatuses(onlyActive: true).Keys.Order().ToList();
        var index = active.IndexOf(status.SiloAddress);
        return index < 0 ? WakeUpShare.All : new WakeUpShare(index, active.Count);
    }

    /// <summary>
    /// One interval's work: sweeps <paramref name="share"/> again and again while a sweep finds
    /// <see cref="MostPerSweep"/> due (within a budget of one interval), then, if it caught up, the rows of every
    /// share overdue by more than <see cref="OrphanGrace"/>. Answers how many entries it tried to wake.
    /// </summary>
    public async Task<int> SweepIntervalAsync(WakeUpShare share, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        // An entry woken in this interval is not woken again in it: one whose wake succeeded but left its row due (a
        // silo's clock a little ahead of the entry's) would otherwise come back at the head of every read.
        var woken = new HashSet<string>(StringComparer.Ordinal);
        var tried = 0;
        for (var sweep = 0; sweep < MostSweepsPerInterval; sweep++)
        {
            var (due, fresh) = await SweepAsync(time.GetUtcNow(), share, woken, cancellationToken);
            tried += fresh;
            if (due < MostPerSweep || fresh == 0)
            {
                if (share != WakeUpShare.All)
                {
                    tried += (await SweepAsync(time.GetUtcNow() - OrphanGrace, WakeUpShare.All, woken, cancellationToken)).Fresh;
                }

                break;
            }

            if (time.GetElapsedTime(started) >= Interval)
            {
                break;
            }
        }

        return tried;
    }

    /// <summary>How long an entry waits after its <paramref name="failures"/>th failed wake: one interval, doubling.</summary>
    public TimeSpan RetryDelay(int failures)
    {
        var delay = Interval * Math.Pow(2, Math.Min(failures - 1, 16));
        return delay < MostRetryDelay ? delay : MostRetryDelay;
    }

    /// <summary>
    /// Wakes the entries of <paramref name="share"/> due by <paramref name="by"/> (earliest first, at most
    /// <see cref="MostPerSweep"/>) that are not in <paramref name="woken"/> yet, and adds them; answers how many were due
    /// and how many of them it tried to wake.
    /// </summary>
    private async Task<(int Due, int Fresh)> SweepAsync(DateTimeOffset by, WakeUpShare share, HashSet<string> woken, CancellationToken cancellationToken)
    {
        var due = await journal.DueAsync(by, MostPerSweep, share, cancellationToken);
        var fresh = due.Where(wakeUp => woken.Add(wakeUp.Stream)).ToList();
        var failed = new ConcurrentBag<DueWakeUp>();
        await Parallel.ForEachAsync(
            fresh,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (wakeUp, _) =>
            {
                try
                {
                    // The stream is the grain key, so it names the entry's store: the wake acts for that store only.
                    using var scope = TenantContext.ForTenant(TenantKey.Parse(wakeUp.Stream).Tenant, "system:expiry");
                    await grains.GetGrainByKey<IStockGrain>(wakeUp.Stream).WakeAsync();
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    LogWakeFailed(logger, wakeUp.Stream, wakeUp.Failures + 1, error.GetType().Name, error.Message);
                    failed.Add(wakeUp);
                }
            });

        if (!failed.IsEmpty)
        {
            // A successful wake writes the entry's next wake-up time itself; a failed one is tried again later, not
            // at the head of every sweep. Should this write fail too, the rows stay due and the next sweep retries.
            var now = time.GetUtcNow();
            await journal.PostponeAsync(
                [.. failed.Select(wakeUp => new PostponedWakeUp(wakeUp.Stream, wakeUp.Version, wakeUp.Failures + 1, now + RetryDelay(wakeUp.Failures + 1)))],
                cancellationToken);
        }

        return (due.Count, fresh.Count);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = Interval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, time, stoppingToken);
                var started = time.GetTimestamp();
                // Before joining (and while leaving) the silo cannot place grains.
                if (status.CurrentStatus == SiloStatus.Active)
                {
                    await SweepIntervalAsync(ShareOfThisSilo(), stoppingToken);
                }

                // Intervals start on a fixed beat: a silo that is behind sweeps back to back until it has caught up.
                var elapsed = time.GetElapsedTime(started);
                wait = elapsed < Interval ? Interval - elapsed : TimeSpan.Zero;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // The journal may be briefly unreachable (PostgreSQL restarting): nothing is lost by trying later.
                LogSweepFailed(logger, error.GetType().Name, error.Message);
                wait = Interval;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stock entry {Stream} could not be woken (failure {Failures}, {ExceptionType}: {Reason}); retried later")]
    private static partial void LogWakeFailed(ILogger logger, string stream, int failures, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stock wake-up sweep failed ({ExceptionType}: {Reason}); retried on the next sweep")]
    private static partial void LogSweepFailed(ILogger logger, string exceptionType, string reason);
}
