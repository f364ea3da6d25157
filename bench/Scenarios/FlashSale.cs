using MultiStore.Bench.Measurement;
using MultiStore.Bench.Targets;

namespace MultiStore.Bench.Scenarios;

/// <summary>
/// T stores, one hot SKU of N units each; C shoppers reserve one unit each with a fresh id until every store is sold
/// out; then half is confirmed and the rest released. Each (target, level) sells fresh entries, and what was sold
/// is read back from the target's durable store after the sell-out and again after settling. A fast target runs
/// several such sales back to back in one level (rounds of T fresh stores: all shoppers move on to the next round
/// when a round is sold out), so that the level lasts long enough to measure while every hot SKU still has N units.
/// </summary>
internal sealed class FlashSale(BenchOptions options, string run, Action<string> log, CpuMeter cpu, JitMeter jit)
{
    /// <summary>Levels of at least this many shoppers run the rounds their target's warm-up called for.</summary>
    public const int MultipliedFrom = 64;

    /// <summary>Most rounds (sales back to back) one level runs.</summary>
    public const int MaxRounds = 30;

    // Rounds per level for each target: 1, or more for a target that sells out in a fraction of a second, where a
    // pause of the host or a collection would otherwise decide the figure.
    private readonly Dictionary<string, int> _rounds = [];

    /// <summary>
    /// Sell-outs that are not reported, before a target's first level, until every .NET process on the path runs
    /// optimized code: .NET first compiles each method quickly, and recompiles the hot ones optimized only once no new
    /// method has been compiled for a while, on a background thread that shares the two cores with the load. Measured
    /// before this rule: that thread still took 20–30 % of a core in the silo and in the Api 45 s into an http run, so a
    /// level's figure depended on how long its processes had run. Warm-up therefore lasts <see cref="MinWarmUpRounds"/>
    /// sell-outs and <see cref="WarmUpTime"/> at least, then goes on while the processes spent more than
    /// <see cref="SettledJitShare"/> of the last sell-out's time compiling, <see cref="MaxWarmUpTime"/> at most. The
    /// last sell-out's pace sets the rounds of the levels.
    /// </summary>
    public async Task WarmUpAsync(IStockTarget target, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var lastSeconds = 0.0;
        var jitShare = 1.0;
        for (var round = 1; round <= MinWarmUpRounds || clock.Elapsed < WarmUpTime || (jitShare > SettledJitShare && clock.Elapsed < MaxWarmUpTime); round++)
        {
            var jitBefore = await jit.ReadAsync(cancellationToken);
            var started = clock.Elapsed;
            var level = await RunLevelAsync(target, WarmUpConcurrency, withSoldOutPhase: false, [], cancellationToken, tagSuffix: $"w{round}");
            jitShare = (await jit.ReadAsync(cancellationToken) - jitBefore) / (clock.Elapsed - started);
            lastSeconds = level.ElapsedSeconds;
            log($"{target.Name,-10} warm-up {round}: {level.ReservedPerSecond:N0}/s, compiling {jitShare:P1} of the time, not reported");
        }

        _rounds[target.Name] = Math.Clamp((int)Math.Ceiling(options.MinLevelSeconds / lastSeconds), 1, MaxRounds);
        log($"{target.Name,-10} levels run {_rounds[target.Name]} sale(s) back to back");
    }

    /// <summary>Warm-up lasts at least this long (and <see cref="MinWarmUpRounds"/> sell-outs; the first runs cold).</summary>
    public static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(6);

    /// <summary>Warm-up starts no sell-out after this long, settled or not.</summary>
    public static readonly TimeSpan MaxWarmUpTime = TimeSpan.FromSeconds(90);

    /// <summary>Compiling (all processes together) for at most this share of a sell-out's time counts as settled.</summary>
    public const double SettledJitShare = 0.01;

    public const int MinWarmUpRounds = 2;

    /// <summary>Shoppers in the warm-up sell-outs.</summary>
    public const int WarmUpConcurrency = 256;

    public async Task<LevelResult> RunLevelAsync(IStockTarget target, int concurrency, bool withSoldOutPhase, List<SoldOutResult> soldOut, CancellationToken cancellationToken, string tagSuffix = "")
    {
        var tag = $"{target.Name[0]}{run}-{concurrency}{tagSuffix}";
        // Fewer shoppers than that are bound by latency (a few thousand a second at most): one sale lasts seconds already.
        var rounds = concurrency >= MultipliedFrom ? _rounds.GetValueOrDefault(target.Name, 1) : 1;
        var perRound = options.Stores;
        var stores = perRound * rounds;
        var sale = await target.CreateSaleAsync(tag, stores, 1, options.Units, cancellationToken);
        var soldOutStores = new bool[stores];
        var loadBefore = Machine.LoadAverage();

        async ValueTask<CallResult> ShopAsync(Shopper shopper)
        {
            // The first round that is not sold out; within it, shoppers spread over its stores.
            for (var round = 0; round < rounds; round++)
            {
                for (var k = 0; k < perRound; k++)
                {
                    var store = (round * perRound) + ((shopper.Index + k) % perRound);
                    if (Volatile.Read(ref soldOutStores[store]))
                    {
                        continue;
                    }

                    var result = await sale.ReserveAsync(store, shopper);
                    if (result.Outcome == Outcome.SoldOut)
                    {
                        Volatile.Write(ref soldOutStores[store], true);
                    }

                    return result;
                }
            }

            return CallResult.Stop;
        }

        var cpuBefore = await cpu.ReadAsync();
        var load = await LoadRun.RunAsync("r", concurrency, options.LevelTimeout, ShopAsync, cancellationToken);
        var cpuUsed = (await cpu.ReadAsync()).Since(cpuBefore, load.Reserved.Count + load.Answered.Count + load.ErrorCount);
        var afterSellOut = await sale.ReadDurableAsync(cancellationToken);
        log($"{target.Name,-10} C={concurrency,-5} {load.Reserved.Count,7} reserved in {load.Elapsed.TotalSeconds,6:F2} s = {load.ReservedPerSecond,9:N0}/s  p50 {load.Reserved.P50,7:F2} ms  p99 {load.Reserved.P99,7:F2} ms  errors {load.ErrorCount}  stored {afterSellOut.Reservations}");

        if (withSoldOutPhase && options.SoldOutDuration > TimeSpan.Zero)
        {
            soldOut.Add(await HammerSoldOutAsync(target.Name, sale, cancellationToken));
        }

        var settle = await Settling.RunAsync(sale, load.Acknowledged, cancellationToken);
        var afterSettle = await sale.ReadDurableAsync(cancellationToken);
        var expected = (long)stores * options.Units;
        var problems = Verify(expected, load, afterSellOut, settle, afterSettle);
        if (problems.Count > 0)
        {
            log($"{target.Name,-10} C={concurrency,-5} CHECK: {string.Join("; ", problems)}");
        }

        return new LevelResult(
            target.Name, concurrency, stores, options.Units, load.Reserved.Count, load.ReservedPerSecond, load.Reserved,
            load.Answered.Count, load.ErrorCount, load.Errors, load.Elapsed.TotalSeconds, load.HitTimeLimit,
            afterSellOut, settle, afterSettle, problems.Count == 0, problems, loadBefore, Machine.LoadAverage(), cpuUsed);
    }

    /// <summary>Shoppers keep asking for the sold-out SKU: every answer must be "sold out", and none may write.</summary>
    private async Task<SoldOutResult> HammerSoldOutAsync(string target, ISale sale, CancellationToken cancellationToken)
    {
        var loadBefore = Machine.LoadAverage();
        var cpuBefore = await cpu.ReadAsync();
        var load = await LoadRun.RunAsync(
            "s",
            options.SoldOutConcurrency,
            options.SoldOutDuration,
            shopper => sale.ReserveAsync(shopper.Random.Next(sale.Entries), shopper),
            cancellationToken,
            keepAcknowledged: true);
        var cpuUsed = (await cpu.ReadAsync()).Since(cpuBefore, load.Answered.Count + load.Reserved.Count + load.ErrorCount);
        log($"{target,-10} sold out, C={options.SoldOutConcurrency}: {load.Answered.Count} answers in {load.Elapsed.TotalSeconds:F2} s = {load.AnsweredPerSecond:N0}/s  p50 {load.Answered.P50:F2} ms  p99 {load.Answered.P99:F2} ms  reserved {load.Reserved.Count}  errors {load.ErrorCount}");
        return new SoldOutResult(target, options.SoldOutConcurrency, load.Elapsed.TotalSeconds, load.Answered.Count, load.AnsweredPerSecond, load.Answered, load.Reserved.Count, load.ErrorCount, load.Errors, loadBefore, cpuUsed);
    }

    private static List<string> Verify(long expected, LoadResult load, DurableTally sold, SettleResult settle, DurableTally settled)
    {
        var problems = new List<string>();
        if (sold.Reservations > expected)
        {
            problems.Add($"OVERSELL: {sold.Reservations} stored > {expected}");
        }
        else if (sold.Reservations < expected && !load.HitTimeLimit)
        {
            problems.Add($"UNDERSELL: {sold.Reservations} stored < {expected}");
        }
        else if (load.HitTimeLimit)
        {
            problems.Add($"time limit: {sold.Reservations} of {expected} sold when the level stopped");
        }

        if (sold.Reservations != load.Reserved.Count)
        {
            problems.Add($"{load.Reserved.Count} acknowledged but {sold.Reservations} stored");
        }

        if (settle.Failures > 0)
        {
            problems.Add($"{settle.Failures} settlements failed");
        }

        if (settled.Confirmed != settle.Confirmed || settled.Released != settle.Released)
        {
            problems.Add($"settled {settle.Confirmed} confirmed / {settle.Released} released, stored {settled.Confirmed} / {settled.Released}");
        }

        if (settled.Held != sold.Reservations - settle.Confirmed - settle.Released)
        {
            problems.Add($"{settled.Held} units still held after settling");
        }

        if (settled.OnHand != expected - settled.Confirmed)
        {
            problems.Add($"on-hand {settled.OnHand} ≠ {expected} − {settled.Confirmed} confirmed");
        }

        return problems;
    }
}

internal sealed record LevelResult(
    string Target,
    int Concurrency,
    int Stores,
    int UnitsPerStore,
    int Reserved,
    double ReservedPerSecond,
    LatencySummary Latency,
    int SoldOutAnswers,
    int ErrorCount,
    IReadOnlyDictionary<string, int> Errors,
    double ElapsedSeconds,
    bool HitTimeLimit,
    DurableTally AfterSellOut,
    SettleResult Settle,
    DurableTally AfterSettle,
    bool Exact,
    IReadOnlyList<string> Problems,
    double LoadBefore,
    double LoadAfter,
    CpuPerOperation Cpu);

internal sealed record SoldOutResult(
    string Target,
    int Concurrency,
    double Seconds,
    int Answers,
    double AnswersPerSecond,
    LatencySummary Latency,
    int Reserved,
    int ErrorCount,
    IReadOnlyDictionary<string, int> Errors,
    double LoadBefore,
    CpuPerOperation Cpu);
