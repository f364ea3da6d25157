using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.ExceptionServices;
using Microsoft.Extensions.Logging;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Grains.Hosting;

/// <summary>
/// Sends a <see cref="RetrySafeAttribute"/> call again when it failed only because the grain's activation went away
/// under it: its silo was leaving or gone (<see cref="SiloUnavailableException"/>), the message could not be
/// delivered or forwarded (<see cref="OrleansMessageRejectionException"/>), or the activation lost its journal to a
/// newer one and dropped the batch (<see cref="NotDurableException"/>). The next attempt reaches the grain where it
/// is active now.
/// <para>
/// Why: when a silo stops gracefully, Orleans fails the calls other silos still have outstanding to it ("the target
/// silo became unavailable"), rejects the requests that reach it once it blocks application messages ("Silo
/// stopping", also to the Api's calls through its gateway), and for a moment a stock entry can be active in two
/// places, one of which is then fenced off. Measured here, every SIGTERM under load turned 100-150 cart requests
/// into 503s that way; with only stock calls retried, one SIGTERM in five or six still failed 6-13 cart requests
/// (the Api's calls rejected at the stopping silo), and the carts' catalog checks to a catalog on the stopping silo
/// failed the same way (27 in one run), although the grains were active elsewhere within milliseconds. After a
/// crash the same exceptions end the calls stuck at the dead silo.
/// </para>
/// <para>
/// None of these failures acknowledged anything, and a retry-safe method's repeat changes nothing more. Bounded
/// (two retries within half a second) so that a cluster in real trouble is not hammered: Orleans' maintainers warn
/// against retry storms.
/// </para>
/// </summary>
public sealed partial class RetrySafeCallFilter(ILogger<RetrySafeCallFilter> logger) : IOutgoingGrainCallFilter
{
    private static readonly TimeSpan[] Pauses = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300)];

    // Every outgoing call passes here: reading attributes once per method keeps reflection off the hot path.
    private static readonly ConcurrentDictionary<MethodInfo, bool> RetrySafeMethods = new();

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod is not { } method || !IsRetrySafe(method))
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

    /// <summary>Whether the method, or the interface that declares it, is marked <see cref="RetrySafeAttribute"/>.</summary>
    public static bool IsRetrySafe(MethodInfo method) =>
        RetrySafeMethods.GetOrAdd(method, static m =>
            m.IsDefined(typeof(RetrySafeAttribute), inherit: false)
            || m.DeclaringType?.IsDefined(typeof(RetrySafeAttribute), inherit: false) == true);

    private static bool IsActivationGone(Exception error) =>
        error is SiloUnavailableException or OrleansMessageRejectionException or NotDurableException;

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrying {Method} on {Grain} (retry {Retry}): {Reason}")]
    private static partial void LogRetry(ILogger logger, string method, string grain, int retry, string reason);
}
