using System.Diagnostics;

namespace MultiStore.Bench.Measurement;

/// <summary>
/// Every call's latency, kept exactly (a growable array of <see cref="Stopwatch"/> ticks per shopper, merged at the
/// end): a run holds at most a few hundred thousand calls, so exact percentiles cost a few MB and no bucketing error.
/// </summary>
internal sealed class LatencyLog
{
    private long[] _ticks = new long[256];

    public int Count { get; private set; }

    public void Add(long ticks)
    {
        if (Count == _ticks.Length)
        {
            Array.Resize(ref _ticks, _ticks.Length * 2);
        }

        _ticks[Count++] = ticks;
    }

    /// <summary>All logs' samples in one sorted array of milliseconds.</summary>
    public static double[] MergeSorted(IEnumerable<LatencyLog> logs)
    {
        var all = new List<double>();
        foreach (var log in logs)
        {
            for (var i = 0; i < log.Count; i++)
            {
                all.Add(log._ticks[i] * 1000.0 / Stopwatch.Frequency);
            }
        }

        var sorted = all.ToArray();
        Array.Sort(sorted);
        return sorted;
    }
}

/// <summary>Percentiles by the nearest-rank method on an ascending array (p in 0..100).</summary>
internal static class Percentiles
{
    public static double Of(double[] sorted, double p)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        if (p <= 0)
        {
            return sorted[0];
        }

        // Nearest rank: the smallest sample with at least p% of the samples at or below it.
        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }

    public static LatencySummary Summarize(double[] sorted) => sorted.Length == 0
        ? new LatencySummary(0, double.NaN, double.NaN, double.NaN, double.NaN)
        : new LatencySummary(sorted.Length, Of(sorted, 50), Of(sorted, 99), sorted[^1], sorted.Average());
}

/// <summary>Latency of a set of calls, in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50, double P99, double Max, double Mean);
