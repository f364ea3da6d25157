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
/// Every silo sweeps the whole service: a wake is idempotent, so a second silo waking the same entry costs a call,
/// never a second expiry, and any surviving silo covers the others.
/// </summary>
public sealed partial class StockWakeUpSweeper(
    IStockJournal journal,
    IGrainFactory grains,
    ISiloStatusOracle status,
    TimeProvider time,
    IOptions<ReservationOptions> options,
    ILogger<StockWakeUpSweeper> logger) : BackgroundService
{
    /// <summary>Most entries one sweep wakes; the rest wait for the next sweep (earliest first).</summary>
    public const int MostPerSweep = 1_000;

    /// <summary>Entries woken at once: enough to overlap calls, few enough not to crowd out shoppers.</summary>
    private const int Parallelism = 16;

    /// <summary>Wakes every entry that is due now (up to <see cref="MostPerSweep"/>); answers how many were due.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var due = await journal.DueAsync(time.GetUtcNow(), MostPerSweep, cancellationToken);
        await Parallel.ForEachAsync(
            due,
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (stream, _) =>
            {
                try
                {
                    // The stream is the grain key, so it names the entry's store: the wake acts for that store only.
                    using var scope = TenantContext.ForTenant(TenantKey.Parse(stream).Tenant, "system:expiry");
                    await grains.GetGrainByKey<IStockGrain>(stream).WakeAsync();
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // The entry stays due in the journal: the next sweep tries again.
                    LogWakeFailed(logger, stream, error.GetType().Name, error.Message);
                }
            });
        return due.Count;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.WakeUpScanInterval, time, stoppingToken);
                // Before joining (and while leaving) the silo cannot place grains.
                if (status.CurrentStatus == SiloStatus.Active)
                {
                    await SweepAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error)
            {
                // The journal may be briefly unreachable (PostgreSQL restarting): nothing is lost by trying later.
                LogSweepFailed(logger, error.GetType().Name, error.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stock entry {Stream} could not be woken ({ExceptionType}: {Reason}); retried on the next sweep")]
    private static partial void LogWakeFailed(ILogger logger, string stream, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stock wake-up sweep failed ({ExceptionType}: {Reason}); retried on the next sweep")]
    private static partial void LogSweepFailed(ILogger logger, string exceptionType, string reason);
}
