using MultiStore.Bench.Measurement;

namespace MultiStore.Bench.Tests;

/// <summary>The bench's latency math: nearest-rank percentiles on exact samples.</summary>
public sealed class PercentilesTests
{
    [Fact]
    public void Of_HundredSamples_GivesNearestRank()
    {
        var sorted = Enumerable.Range(1, 100).Select(i => (double)i).ToArray();

        Assert.Equal(50, Percentiles.Of(sorted, 50));
        Assert.Equal(99, Percentiles.Of(sorted, 99));
        Assert.Equal(100, Percentiles.Of(sorted, 100));
        Assert.Equal(1, Percentiles.Of(sorted, 0));
    }

    [Fact]
    public void Of_FewSamples_NeverInterpolates()
    {
        double[] sorted = [1, 2, 10];

        Assert.Equal(2, Percentiles.Of(sorted, 50));
        Assert.Equal(10, Percentiles.Of(sorted, 99));
    }

    [Fact]
    public void Summarize_NoSamples_IsEmptyNotAnError()
    {
        var summary = Percentiles.Summarize([]);

        Assert.Equal(0, summary.Count);
        Assert.True(double.IsNaN(summary.P99));
    }

    [Fact]
    public void MergeSorted_SeveralLogs_SortsAllSamplesInMilliseconds()
    {
        var first = new LatencyLog();
        var second = new LatencyLog();
        var ticksPerMs = System.Diagnostics.Stopwatch.Frequency / 1000;
        foreach (var ms in new[] { 5, 1, 3 })
        {
            first.Add(ms * ticksPerMs);
        }

        for (var i = 0; i < 1_000; i++)
        {
            second.Add(2 * ticksPerMs);
        }

        var merged = LatencyLog.MergeSorted([first, second]);

        Assert.Equal(1_003, merged.Length);
        Assert.Equal(1, merged[0], precision: 6);
        Assert.Equal(5, merged[^1], precision: 6);
        Assert.True(merged.Zip(merged.Skip(1)).All(pair => pair.First <= pair.Second));
    }
}
