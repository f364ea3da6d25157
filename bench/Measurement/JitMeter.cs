namespace MultiStore.Bench.Measurement;

/// <summary>
/// Time the .NET processes on the path spent compiling code so far: the bench's own (the load generator and the
/// Orleans client) and, from their Prometheus metrics (<c>dotnet_jit_compilation_time_seconds_total</c>, the
/// System.Runtime meter), the silos and the Api. A target is warm once this stops growing: .NET compiles hot methods
/// again, optimized, on a background thread that shares the two cores with the load for tens of seconds after start.
/// A process whose metrics cannot be read counts as not compiling, so a missing endpoint never stalls a run.
/// </summary>
internal sealed class JitMeter(IReadOnlyList<string> metricsUrls) : IDisposable
{
    private const string Counter = "dotnet_jit_compilation_time_seconds_total";

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(2) };

    public async Task<TimeSpan> ReadAsync(CancellationToken cancellationToken)
    {
        var total = System.Runtime.JitInfo.GetCompilationTime();
        foreach (var url in metricsUrls)
        {
            try
            {
                total += ParseSeconds(await _http.GetStringAsync(url, cancellationToken));
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // Not readable now: counts as nothing compiled.
            }
        }

        return total;
    }

    /// <summary>The counter's value in a Prometheus text exposition (zero when absent).</summary>
    public static TimeSpan ParseSeconds(string exposition) => TimeSpan.FromSeconds(PrometheusText.Sum(exposition, Counter));

    public void Dispose() => _http.Dispose();
}
