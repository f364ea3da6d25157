using System.Diagnostics;
using MultiStore.Bench.Measurement;
using MultiStore.Bench.Targets;

namespace MultiStore.Bench.Scenarios;

/// <summary>After a sell-out: the first half of the acknowledged reservations is confirmed, the rest released.</summary>
internal static class Settling
{
    /// <summary>Settling is not what is measured, so it runs at a fixed, high concurrency to keep the run short.</summary>
    public const int Concurrency = 256;

    public static async Task<SettleResult> RunAsync(ISale sale, IReadOnlyList<(int Entry, string Id)> acknowledged, CancellationToken cancellationToken)
    {
        var half = acknowledged.Count / 2;
        var failures = 0;
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, acknowledged.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (i, _) =>
            {
                var (entry, id) = acknowledged[i];
                try
                {
                    if (!await sale.SettleAsync(entry, id, confirm: i < half))
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref failures);
                }
            });
        return new SettleResult(half, acknowledged.Count - half, failures, Stopwatch.GetElapsedTime(started));
    }
}

internal sealed record SettleResult(int Confirmed, int Released, int Failures, TimeSpan Elapsed)
{
    public double PerSecond => (Confirmed + Released) / Elapsed.TotalSeconds;
}
