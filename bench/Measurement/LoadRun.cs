using System.Collections.Concurrent;
using System.Diagnostics;

namespace MultiStore.Bench.Measurement;

/// <summary>What one call of a shopper came to.</summary>
internal enum Outcome
{
    /// <summary>A durable reservation was acknowledged.</summary>
    Reserved,

    /// <summary>Answered "not enough stock" (nothing reserved).</summary>
    SoldOut,

    /// <summary>The call failed (exception, timeout, unexpected status): nothing acknowledged.</summary>
    Error,

    /// <summary>No call was made: the shopper has nothing left to do.</summary>
    Stop,
}

/// <summary>A call's result; <see cref="ReservationId"/> is set when something was reserved.</summary>
internal readonly record struct CallResult(Outcome Outcome, int Entry = 0, string? ReservationId = null, string? Error = null)
{
    public static readonly CallResult Stop = new(Outcome.Stop);
}

/// <summary>
/// One concurrent shopper: its index, its own sequence for fresh ids (prefixed per phase, so no phase ever repeats
/// an earlier phase's id — a repeated id is an idempotent retry, not a new reservation) and its own random numbers.
/// </summary>
internal sealed class Shopper(int index, int seed, string phase)
{
    public int Index { get; } = index;

    public long Sequence { get; set; }

    public Random Random { get; } = new(seed);


    internal LatencyLog Reserved { get; } = new();

    internal LatencyLog Answered { get; } = new();

    internal List<(int Entry, string Id)> Acknowledged { get; } = [];

    public string Phase { get; } = phase;

    public string NextId() => $"{Phase}-{Index}-{++Sequence}";
}

/// <summary>
/// A closed-loop load: C shoppers, each making one call after another (no think time) until the call says
/// <see cref="Outcome.Stop"/>, the time limit passes or the run is cancelled. Every call's latency is recorded.
/// </summary>
internal static class LoadRun
{
    /// <summary>After an error a shopper pauses this long, so a broken target is not spun against at full speed.</summary>
    private static readonly TimeSpan ErrorPause = TimeSpan.FromMilliseconds(20);

    public static async Task<LoadResult> RunAsync(
        string phase,
        int concurrency,
        TimeSpan limit,
        Func<Shopper, ValueTask<CallResult>> call,
        CancellationToken cancellationToken,
        bool keepAcknowledged = true)
    {
        var shoppers = Enumerable.Range(0, concurrency).Select(i => new Shopper(i, 7919 * (i + 1), phase)).ToArray();
        var errors = new ConcurrentDictionary<string, int>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        var started = Stopwatch.GetTimestamp();
        var timedOut = 0;

        async Task ShopAsync(Shopper shopper)
        {
            // Start every shopper on the thread pool at once rather than in the caller's loop.
            await Task.Yield();
            while (!deadline.IsCancellationRequested)
            {
                var before = Stopwatch.GetTimestamp();
                CallResult result;
                try
                {
                    result = await call(shopper);
                }
                catch (Exception exception)
                {
                    result = new CallResult(Outcome.Error, Error: Describe(exception));
                }

                var took = Stopwatch.GetTimestamp() - before;
                switch (result.Outcome)
                {
                    case Outcome.Stop:
                        return;
                    case Outcome.Reserved:
                        shopper.Reserved.Add(took);
                        if (keepAcknowledged)
                        {
                            shopper.Acknowledged.Add((result.Entry, result.ReservationId!));
                        }

                        break;
                    case Outcome.SoldOut:
                        shopper.Answered.Add(took);
                        break;
                    default:
                        errors.AddOrUpdate(result.Error ?? "error", 1, (_, n) => n + 1);
                        try
                        {
                            await Task.Delay(ErrorPause, deadline.Token);
                        }
                        catch (OperationCanceledException)
                        {
                            return;
                        }

                        break;
                }
            }

            Interlocked.Exchange(ref timedOut, cancellationToken.IsCancellationRequested ? 0 : 1);
        }

        await Task.WhenAll(shoppers.Select(ShopAsync));
        var elapsed = Stopwatch.GetElapsedTime(started);
        cancellationToken.ThrowIfCancellationRequested();
        return new LoadResult(
            concurrency,
            elapsed,
            timedOut == 1,
            Percentiles.Summarize(LatencyLog.MergeSorted(shoppers.Select(s => s.Reserved))),
            Percentiles.Summarize(LatencyLog.MergeSorted(shoppers.Select(s => s.Answered))),
            new SortedDictionary<string, int>(errors, StringComparer.Ordinal),
            [.. shoppers.SelectMany(s => s.Acknowledged)]);
    }

    /// <summary>An exception as "Type: first line of the message", short enough to count as a kind.</summary>
    public static string Describe(Exception exception)
    {
        var inner = exception is AggregateException { InnerException: { } first } ? first : exception;
        var message = inner.Message.Split('\n')[0];
        return $"{inner.GetType().Name}: {(message.Length > 120 ? message[..120] : message)}";
    }
}

/// <summary>What a load run measured.</summary>
internal sealed record LoadResult(
    int Concurrency,
    TimeSpan Elapsed,
    bool HitTimeLimit,
    LatencySummary Reserved,
    LatencySummary Answered,
    IReadOnlyDictionary<string, int> Errors,
    IReadOnlyList<(int Entry, string Id)> Acknowledged)
{
    public int ErrorCount => Errors.Values.Sum();

    public double ReservedPerSecond => Reserved.Count / Elapsed.TotalSeconds;

    public double AnsweredPerSecond => Answered.Count / Elapsed.TotalSeconds;
}
