using MultiStore.Bench.Measurement;

namespace MultiStore.Bench.Tests;

/// <summary>Metrics are read from Prometheus text (the silos' live heap, the JIT time): every series of a metric adds up, nothing else does.</summary>
public sealed class PrometheusTextTests
{
    private const string Scrape =
        """
        # TYPE dotnet_gc_last_collection_heap_size_bytes gauge
        dotnet_gc_last_collection_heap_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="gen0"} 6125568
        dotnet_gc_last_collection_heap_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="gen2"} 2192608 1764999000000
        dotnet_gc_last_collection_heap_size_bytes_total{otel_scope_name="System.Runtime"} 999
        dotnet_gc_last_collection_heap_fragmentation_size_bytes{otel_scope_name="System.Runtime",gc_heap_generation="gen2"} 293184
        dotnet_gc_last_collection_heap_fragmentation_size_bytes 1000
        """;

    [Fact]
    public void Sum_AddsEverySeriesOfTheMetricOnly()
    {
        Assert.Equal(6125568 + 2192608, PrometheusText.Sum(Scrape, "dotnet_gc_last_collection_heap_size_bytes"));
        Assert.Equal(293184 + 1000, PrometheusText.Sum(Scrape, "dotnet_gc_last_collection_heap_fragmentation_size_bytes"));
        Assert.Equal(0, PrometheusText.Sum(Scrape, "dotnet_gc_missing"));
    }
}
