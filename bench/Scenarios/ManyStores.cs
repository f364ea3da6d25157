using System.Diagnostics;
using MultiStore.Bench.Hosting;
using MultiStore.Bench.Measurement;
using MultiStore.Bench.Targets;

namespace MultiStore.Bench.Scenarios;

/// <summary>
/// S stores × K SKUs (100,000 stock entries by default), shoppers spread over all of them. For the grain target:
/// stocking (activates every grain), silo memory before and after, a first-touch pass (each entry's first
/// reservation, in shuffled order) and a timed warm pass (uniformly random entries). pg-rowlock gets the same timed
/// spread over its own 100,000 rows.
/// </summary>
internal sealed class ManyStores(BenchOptions options, string run, Action<string> log, CpuMeter cpu)
{
    /// <summary>The first-touch pass stops here even if not every entry was touched (a bound on the run's length).</summary>
    public static readonly TimeSpan FirstTouchLimit = TimeSpan.FromSeconds(90);

    public int Entries => options.ManyStores * options.ManySkus;

    public async Task<ManyStoresGrainResult> RunGrainAsync(GrainTarget target, BenchEnvironment environment, CancellationToken cancellationToken)
    {
        var before = await environment.MeasureSiloMemoryAsync();
        var stocking = Stopwatch.StartNew();
        var sale = await target.CreateSaleAsync($"m{run}", options.ManyStores, options.ManySkus, options.ManyUnits, cancellationToken);
        stocking.Stop();
        log($"grain      stocked {Entries:N0} entries in {stocking.Elapsed.TotalSeconds:F1} s = {Entries / stocking.Elapsed.TotalSeconds:N0} durable adjustments/s");
        var active = await environment.MeasureSiloMemoryAsync();
        var perGrain = Memory(before, active);
        log($"grain      silo memory: {before.Activations:N0} → {active.Activations:N0} activations; per added activation {perGrain.LiveBytes / 1024.0:F2} KB (live objects), {perGrain.OrleansBytes / 1024.0:F2} KB (Orleans figure), {perGrain.ResidentBytes / 1024.0:F2} KB (RSS)");

        var cpuStart = await cpu.ReadAsync();
        var first = await FirstTouchAsync(sale, cancellationToken);
        var cpuFirst = await cpu.ReadAsync();
        log($"grain      first touch: {first.Reserved.Count:N0} in {first.Elapsed.TotalSeconds:F1} s = {first.ReservedPerSecond:N0}/s  p50 {first.Reserved.P50:F1} ms  p99 {first.Reserved.P99:F1} ms  errors {first.ErrorCount}");
        var warm = await SpreadAsync(sale, cancellationToken);
        var cpuWarm = await cpu.ReadAsync();
        log($"grain      warm spread: {warm.Reserved.Count:N0} in {warm.Elapsed.TotalSeconds:F1} s = {warm.ReservedPerSecond:N0}/s  p50 {warm.Reserved.P50:F1} ms  p99 {warm.Reserved.P99:F1} ms  errors {warm.ErrorCount}");
        var holding = await environment.MeasureSiloMemoryAsync();
        var perGrainHolding = Memory(before, holding);

        var stored = await sale.ReadDurableAsync(cancellationToken);
        var acknowledged = first.Reserved.Count + warm.Reserved.Count;
        var problems = new List<string>();
        if (stored.Reservations != acknowledged)
        {
            problems.Add($"{acknowledged} acknowledged but {stored.Reservations} stored");
        }

        return new ManyStoresGrainResult(
            options.ManyStores, options.ManySkus, options.ManyUnits, options.ManyConcurrency, stocking.Elapsed.TotalSeconds,
            Entries / stocking.Elapsed.TotalSeconds, Summary(first, cpuFirst.Since(cpuStart, Calls(first))), Summary(warm, cpuWarm.Since(cpuFirst, Calls(warm))),
            acknowledged / (first.Elapsed + warm.Elapsed).TotalSeconds,
            before, active, holding, perGrain, perGrainHolding, stored, problems.Count == 0, problems);
    }

    public async Task<ManyStoresPassResult> RunPgAsync(PgRowLockTarget target, CancellationToken cancellationToken)
    {
        var sale = await target.CreateSaleAsync($"m{run}", options.ManyStores, options.ManySkus, options.ManyUnits, cancellationToken);
        var cpuStart = await cpu.ReadAsync();
        var spread = await SpreadAsync(sale, cancellationToken);
        var cpuUsed = (await cpu.ReadAsync()).Since(cpuStart, Calls(spread));
        var stored = await sale.ReadDurableAsync(cancellationToken);
        log($"pg-rowlock spread: {spread.Reserved.Count:N0} in {spread.Elapsed.TotalSeconds:F1} s = {spread.ReservedPerSecond:N0}/s  p50 {spread.Reserved.P50:F1} ms  p99 {spread.Reserved.P99:F1} ms  errors {spread.ErrorCount}  stored {stored.Reservations}");
        return Summary(spread, cpuUsed) with { Stored = stored.Reservations };
    }

    /// <summary>Every entry's first reservation, entries in a shuffled order, until each was touched once.</summary>
    private async Task<LoadResult> FirstTouchAsync(ISale sale, CancellationToken cancellationToken)
    {
        var order = Enumerable.Range(0, sale.Entries).ToArray();
        new Random(42).Shuffle(order);
        var next = -1;
        return await LoadRun.RunAsync(
            "f",
            options.ManyConcurrency,
            FirstTouchLimit,
            shopper =>
            {
                var i = Interlocked.Increment(ref next);
                return i < order.Length ? sale.ReserveAsync(order[i], shopper) : ValueTask.FromResult(CallResult.Stop);
            },
            cancellationToken,
            keepAcknowledged: false);
    }

    private Task<LoadResult> SpreadAsync(ISale sale, CancellationToken cancellationToken) =>
        LoadRun.RunAsync(
            "w",
            options.ManyConcurrency,
            options.ManyDuration,
            shopper => sale.ReserveAsync(shopper.Random.Next(sale.Entries), shopper),
            cancellationToken,
            keepAcknowledged: false);

    private static int Calls(LoadResult load) => load.Reserved.Count + load.Answered.Count + load.ErrorCount;

    private static ManyStoresPassResult Summary(LoadResult load, CpuPerOperation cpu) =>
        new(load.Concurrency, load.Reserved.Count, load.Elapsed.TotalSeconds, load.ReservedPerSecond, load.Reserved, load.Answered.Count, load.ErrorCount, load.Errors, Machine.LoadAverage(), null, cpu);

    private static PerGrainMemory Memory(SiloMemory before, SiloMemory after)
    {
        var added = Math.Max(1, after.Activations - before.Activations);
        return new PerGrainMemory(
            added,
            (after.OrleansMemoryUsage - before.OrleansMemoryUsage) / (double)added,
            after.ResidentBytes is { } rss && before.ResidentBytes is { } rss0 ? (rss - rss0) / (double)added : double.NaN,
            after.LiveHeapBytes is { } live && before.LiveHeapBytes is { } live0 ? (live - live0) / (double)added : double.NaN);
    }
}

internal sealed record ManyStoresPassResult(
    int Concurrency,
    int Reserved,
    double Seconds,
    double ReservedPerSecond,
    LatencySummary Latency,
    int SoldOutAnswers,
    int ErrorCount,
    IReadOnlyDictionary<string, int> Errors,
    double LoadAfter,
    long? Stored,
    CpuPerOperation Cpu);

/// <summary>Silo memory per added activation: live objects (NaN when unknown), Orleans' figure (live + free space), resident set.</summary>
internal sealed record PerGrainMemory(long AddedActivations, double OrleansBytes, double ResidentBytes, double LiveBytes = double.NaN)
{
    /// <summary>The figure the goal is judged on: live objects when the silos' metrics gave them, else Orleans' figure.</summary>
    public double GoalBytes => double.IsNaN(LiveBytes) ? OrleansBytes : LiveBytes;
}

internal sealed record ManyStoresGrainResult(
    int Stores,
    int SkusPerStore,
    int UnitsPerSku,
    int Concurrency,
    double StockingSeconds,
    double StockingPerSecond,
    ManyStoresPassResult FirstTouch,
    ManyStoresPassResult Warm,
    double OverallPerSecond,
    SiloMemory MemoryBefore,
    SiloMemory MemoryActive,
    SiloMemory MemoryHolding,
    PerGrainMemory PerGrainActive,
    PerGrainMemory PerGrainHolding,
    DurableTally Stored,
    bool Exact,
    IReadOnlyList<string> Problems);
