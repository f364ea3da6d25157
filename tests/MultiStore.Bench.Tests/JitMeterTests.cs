using MultiStore.Bench.Measurement;

namespace MultiStore.Bench.Tests;

public sealed class JitMeterTests
{
    [Fact]
    public void ParseSeconds_PrometheusExposition_ReadsTheJitCompilationTime()
    {
        const string exposition = """
            # TYPE dotnet_jit_compilation_time_seconds_total counter
            # HELP dotnet_jit_compilation_time_seconds_total The amount of time the JIT compiler has spent compiling methods.
            dotnet_jit_compilation_time_seconds_total{otel_scope_name="System.Runtime"} 3.6343081
            dotnet_jit_compiled_methods_total{otel_scope_name="System.Runtime"} 30038
            """;

        Assert.Equal(3.6343081, JitMeter.ParseSeconds(exposition).TotalSeconds, precision: 6);
    }

    [Theory]
    [InlineData("")]
    [InlineData("dotnet_gc_collections_total{gc_heap_generation=\"gen0\"} 12")]
    [InlineData("dotnet_jit_compilation_time_seconds_total{otel_scope_name=\"System.Runtime\"} not-a-number")]
    public void ParseSeconds_NoReadableCounter_IsZero(string exposition) =>
        Assert.Equal(TimeSpan.Zero, JitMeter.ParseSeconds(exposition));

    [Fact]
    public async Task ReadAsync_UnreachableEndpoint_CountsOnlyThisProcess()
    {
        using var meter = new JitMeter(["http://127.0.0.1:9/metrics"]);

        var before = System.Runtime.JitInfo.GetCompilationTime();
        var total = await meter.ReadAsync(CancellationToken.None);

        Assert.InRange(total, before, System.Runtime.JitInfo.GetCompilationTime());
    }
}
