using MultiStore.Grains.Interfaces.Common;
using Npgsql;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Storage;

namespace MultiStore.Api.Problems;

/// <summary>
/// Which failures mean "the cluster cannot answer right now" (503 + Retry-After), as opposed to a defect (500).
/// Every one of them leaves nothing acknowledged, so a retry with the same ids is safe.
/// </summary>
public static class ClusterUnavailable
{
    /// <summary>
    /// The exception (this one or one it wraps) that says the cluster could not answer, or null:
    /// <list type="bullet">
    /// <item>Orleans could not deliver the call or got no answer in time (no silo, no gateway, a silo that died
    /// with the call queued, which ends in <see cref="TimeoutException"/> after the client's response timeout);</item>
    /// <item>a write that did not become durable: refused by version fencing (<see cref="InconsistentStateException"/>
    /// from Orleans' grain storage: another activation wrote first) or failed in a stock entry's journal
    /// (<see cref="NotDurableException"/>, either cause);</item>
    /// <item>PostgreSQL failed, which reaches the API as the storage provider's <see cref="OrleansException"/>
    /// wrapping an <see cref="NpgsqlException"/> ("Failed to connect", or 57P01 while the database restarts).
    /// Silos let Npgsql's exceptions cross the wire (see <c>StorageFailures</c> in the grains' hosting).</item>
    /// </list>
    /// </summary>
    public static Exception? CauseOf(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is SiloUnavailableException
                or OrleansMessageRejectionException
                or GatewayTooBusyException
                or ConnectionFailedException
                or ClientNotAvailableException
                or TimeoutException
                or InconsistentStateException
                or NotDurableException
                or NpgsqlException)
            {
                return current;
            }
        }

        return null;
    }
}
