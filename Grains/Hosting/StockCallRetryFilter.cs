using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Grains.Hosting;

/// <summary>
/// Sends a call to a stock entry again when it failed only because the entry's activation went away under it: its
/// silo was leaving or gone (<see cref="SiloUnavailableException"/>), the message could not be delivered or
/// forwarded (<see cref="OrleansMessageRejectionException"/>), or the activation lost its journal to a newer one and
/// dropped the batch (<see cref="NotDurableException"/>). The next attempt reaches the entry where it is active now.
/// <para>
/// Why: when a silo stops gracefully, Orleans fails the calls other silos still have outstanding to it ("the target
/// silo became unavailable"), refuses to forward the ones queued in it ("silo is shutting down"), and for a moment
/// the entry can be active in two places, one of which is then fenced off. Measured here, every SIGTERM under
/// load turned 100-150 cart requests into 503s that way, although the entry was active elsewhere within
/// milliseconds. After a crash the same exceptions end the calls stuck at the dead silo.
/// </para>
/// <para>
/// Safe because every retried method is idempotent: reservations, extensions, confirmations and releases are keyed by
/// their reservation id (a repeat answers the same and changes nothing more) and reads change nothing; and none of
/// these failures acknowledged anything.
/// <see cref="IStockGrain.AdjustAsync"/> is never retried: a delta adjustment has no id. Bounded (two retries within
/// half a second) so that a cluster in real trouble is not hammered: Orleans' maintainers warn against retry storms.
/// </para>
/// </summary>
public sealed partial class StockCallRetryFilter(ILogger<StockCallRetryFilter> logger) : IOutgoingGrainCallFilter
{
    private static readonly TimeSpan[] Pauses = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300)];

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (!IsIdempotent(context))
        {
            await context.Invoke();
            return;
        }

        for (var retry = 0; ; retry++)
        {
            ExceptionDispatchInfo? thrown = null;
            try
            {
                await context.Invoke();
            }
            catch (Exception error) when (IsActivationGone(error))
            {
                thrown = ExceptionDispatchInfo.Capture(error);
            }

            var failure = thrown?.SourceException ?? context.Response?.Exception;
            if (failure is null || !IsActivationGone(failure) || retry == Pauses.Length)
            {
                thrown?.Throw();
                return;
            }

            LogRetry(logger, context.MethodName, context.TargetId.ToString(), retry + 1, failure.Message);
            await Task.Delay(Pauses[retry]);
        }
    }

    private static bool IsActivationGone(Exception error) =>
        error is SiloUnavailableException or OrleansMessageRejectionException or NotDurableException;

    private static bool IsIdempotent(IOutgoingGrainCallContext context) =>
        context.InterfaceMethod is { } method
        && method.DeclaringType == typeof(IStockGrain)
        && method.Name != nameof(IStockGrain.AdjustAsync);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrying {Method} on {Grain} (retry {Retry}): {Reason}")]
    private static partial void LogRetry(ILogger logger, string method, string grain, int retry, string reason);
}
