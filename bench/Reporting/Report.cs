using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using MultiStore.Bench.Measurement;
using MultiStore.Bench.Scenarios;

namespace MultiStore.Bench.Reporting;

/// <summary>Everything a run measured, printed as tables and written as JSON.</summary>
internal sealed class Report
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public required string Run { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    public required BenchOptions Options { get; init; }

    public required string Cluster { get; init; }

    public string? RedisDurability { get; set; }

    public string? PgRowLockPool { get; set; }

    public List<string> Notes { get; } = [];

    public List<LevelResult> FlashSale { get; } = [];

    public List<SoldOutResult> SoldOut { get; } = [];

    public ManyStoresGrainResult? ManyStoresGrain { get; set; }

    public ManyStoresPassResult? ManyStoresPg { get; set; }

    public List<Goal> Goals { get; } = [];

    public double? LoadAtStart { get; init; }

    /// <summary>Works out the issue's goals from what was measured (a goal without its figures is "not measured").</summary>
    public void EvaluateGoals()
    {
        Goals.Clear();
        var grain256 = Level(Target.Grain, 256);
        var redis256 = Level(Target.RedisLua, 256);
        var pg64 = Level(Target.PgRowLock, 64);
        var http256 = Level(Target.Http, 256);
        Goals.Add(Ratio("grain C=256 ≥ 1.5 × redis-lua C=256", grain256, redis256, 1.5));
        Goals.Add(Ratio("grain C=256 ≥ 50 × pg-rowlock C=64", grain256, pg64, 50));
        Goals.Add(http256 is null
            ? Goal.NotMeasured("http C=256 ≥ 10,000/s with p99 ≤ 50 ms")
            : new Goal(
                "http C=256 ≥ 10,000/s with p99 ≤ 50 ms",
                $"{http256.ReservedPerSecond:N0}/s, p99 {http256.Latency.P99:F1} ms",
                http256.ReservedPerSecond >= 10_000 && http256.Latency.P99 <= 50,
                $"{http256.ReservedPerSecond / 10_000:P0} of the rate"));
        var soldOut = SoldOut.FirstOrDefault(s => s.Target == Target.Grain);
        Goals.Add(soldOut is null
            ? Goal.NotMeasured("sold out ≥ 50,000 answers/s (grain)")
            : new Goal("sold out ≥ 50,000 answers/s (grain)", $"{soldOut.AnswersPerSecond:N0}/s", soldOut.AnswersPerSecond >= 50_000, $"{soldOut.AnswersPerSecond / 50_000:P0}"));
        if (ManyStoresGrain is { } many)
        {
            Goals.Add(new Goal("many-stores ≥ 20,000/s (grain, warm spread)", $"{many.Warm.ReservedPerSecond:N0}/s", many.Warm.ReservedPerSecond >= 20_000, $"{many.Warm.ReservedPerSecond / 20_000:P0}"));
            Goals.Add(new Goal("many-stores ≥ 20,000/s (grain, first touch)", $"{many.FirstTouch.ReservedPerSecond:N0}/s", many.FirstTouch.ReservedPerSecond >= 20_000, $"{many.FirstTouch.ReservedPerSecond / 20_000:P0}"));
            if (ManyStoresPg is { } pg)
            {
                var ratio = many.Warm.ReservedPerSecond / pg.ReservedPerSecond;
                Goals.Add(new Goal("many-stores grain ≥ 5 × pg-rowlock (warm spread)", $"{ratio:F1}×", ratio >= 5, $"{ratio / 5:P0}"));
            }

            var active = many.PerGrainActive;
            var kb = active.GoalBytes / 1024;
            var judged = double.IsNaN(active.LiveBytes) ? "GC" : "live objects";
            Goals.Add(new Goal("≤ 4 KB silo memory per active stock grain", $"{kb:F2} KB ({judged}, stocked); {active.OrleansBytes / 1024:F2} KB (GC incl. free space); {active.ResidentBytes / 1024:F2} KB (RSS)", kb <= 4, $"{kb / 4:P0}"));
        }
    }

    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"MultiStore bench {Run}, {StartedAt:u}; {Cluster}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Redis: {RedisDurability ?? "n/a"}; pg-rowlock: {PgRowLockPool ?? "n/a"}; load average at start {LoadAtStart:F2} on {Environment.ProcessorCount} cores");
        if (FlashSale.Count > 0)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"flash-sale: {Options.Stores} store(s) × 1 hot SKU × N units, 1 unit per reservation; N = {Options.Units:N0}; at C ≥ {Scenarios.FlashSale.MultipliedFrom} a target that sold out in under {Options.MinLevelSeconds:0.#} s in its warm-up runs several such sales back to back in a level (sold / N shows the total)");
            text.AppendLine("target      C      reserved/s    p50 ms    p99 ms    max ms   sold / N            errors  settle/s  check   load");
            foreach (var level in FlashSale)
            {
                var expected = (long)level.Stores * level.UnitsPerStore;
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"{level.Target,-10} {level.Concurrency,5} {level.ReservedPerSecond,14:N0} {level.Latency.P50,9:F2} {level.Latency.P99,9:F2} {level.Latency.Max,9:F1}   {level.AfterSellOut.Reservations,7}/{expected,-9}{(level.HitTimeLimit ? "T" : " ")}  {level.ErrorCount,6} {level.Settle.PerSecond,9:N0}  {(level.Exact ? "exact" : "CHECK"),-6} {level.LoadBefore,5:F1}");
            }

            foreach (var level in FlashSale.Where(l => !l.Exact))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {level.Target} C={level.Concurrency}: {string.Join("; ", level.Problems)}");
            }

            foreach (var level in FlashSale.Where(l => l.ErrorCount > 0))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {level.Target} C={level.Concurrency} errors: {string.Join("; ", level.Errors.Select(e => $"{e.Value} × {e.Key}"))}");
            }

            text.AppendLine("  (T: stopped by the level time limit; sold = distinct reservations read back from the target's durable store)");
            AppendRatios(text);
            text.AppendLine();
            text.AppendLine("where the time goes: CPU µs per call, by process (bench = load generator + Orleans client; pg = backends of the bench database)");
            text.AppendLine("target      C      bench    silo     api      pg   redis   total   cores busy");
            foreach (var level in FlashSale)
            {
                AppendCpu(text, $"{level.Target,-10} {level.Concurrency,5}", level.Cpu);
            }
        }

        foreach (var soldOut in SoldOut)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture,
                $"sold out ({soldOut.Target}, C={soldOut.Concurrency}, {soldOut.Seconds:F1} s): {soldOut.AnswersPerSecond:N0} answers/s, p50 {soldOut.Latency.P50:F2} ms, p99 {soldOut.Latency.P99:F2} ms, max {soldOut.Latency.Max:F1} ms; reserved {soldOut.Reserved} (must be 0), errors {soldOut.ErrorCount}, load {soldOut.LoadBefore:F1}");
            AppendCpu(text, "  CPU µs/answer   ", soldOut.Cpu);
        }

        if (ManyStoresGrain is { } many)
        {
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"many-stores: {many.Stores:N0} stores × {many.SkusPerStore} SKUs = {many.Stores * many.SkusPerStore:N0} entries of {many.UnitsPerSku} units, C={many.Concurrency}");
            text.AppendLine(CultureInfo.InvariantCulture, $"  grain stocking (activation + one durable adjustment each): {many.StockingSeconds:F1} s = {many.StockingPerSecond:N0}/s");
            text.AppendLine("  pass                   reserved   reserved/s    p50 ms    p99 ms    max ms  errors  load");
            AppendPass(text, "grain first touch", many.FirstTouch);
            AppendPass(text, "grain warm spread", many.Warm);
            if (ManyStoresPg is { } pg)
            {
                AppendPass(text, "pg-rowlock spread", pg);
            }

            text.AppendLine("  CPU µs per call          bench    silo     api      pg   redis   total   cores busy");
            AppendCpu(text, "  grain first touch ", many.FirstTouch.Cpu);
            AppendCpu(text, "  grain warm spread ", many.Warm.Cpu);
            if (ManyStoresPg is { } pgCpu)
            {
                AppendCpu(text, "  pg-rowlock spread ", pgCpu.Cpu);
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"  grain overall (both passes): {many.OverallPerSecond:N0}/s; stored {many.Stored.Reservations:N0} reservations ({(many.Exact ? "= acknowledged" : string.Join("; ", many.Problems))})");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  silo memory after full GC: {Mb(many.MemoryBefore)} → stocked {Mb(many.MemoryActive)} → holding {Mb(many.MemoryHolding)}");
            text.AppendLine(CultureInfo.InvariantCulture,
                $"  per added activation ({many.PerGrainActive.AddedActivations:N0}): stocked {Kb(many.PerGrainActive)}; with holds {Kb(many.PerGrainHolding)}");
        }

        if (Goals.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("goals of issue 4");
            foreach (var goal in Goals)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {(goal.Met is null ? "n/a   " : goal.Met.Value ? "MET   " : "MISSED")} {goal.Name}: {goal.Figure} ({goal.OfTarget} of target)");
            }
        }

        foreach (var note in Notes)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"note: {note}");
        }

        return text.ToString();
    }

    /// <summary>Writes <c>&lt;scenario&gt;-&lt;timestamp&gt;.json</c>: the run's context plus that scenario's figures and goals.</summary>
    public async Task<string> WriteJsonAsync(string directory, string scenario)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{scenario}-{StartedAt:yyyyMMdd-HHmmss}.json");
        var manyStores = scenario == Scenario.ManyStores;
        object document = new
        {
            Scenario = scenario,
            Run,
            StartedAt,
            Cluster,
            Machine = new { Environment.ProcessorCount, LoadAtStart },
            Options,
            RedisDurability,
            PgRowLockPool,
            FlashSale = manyStores ? null : FlashSale,
            SoldOut = manyStores ? null : SoldOut,
            ManyStoresGrain = manyStores ? ManyStoresGrain : null,
            ManyStoresPg = manyStores ? ManyStoresPg : null,
            Goals = Goals.Where(goal => goal.Name.StartsWith("many-stores", StringComparison.Ordinal) || goal.Name.Contains("memory", StringComparison.Ordinal) ? manyStores : !manyStores),
            Notes,
        };
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(document, Json));
        return path;
    }

    private void AppendRatios(StringBuilder text)
    {
        var levels = FlashSale.Select(l => l.Concurrency).Distinct().Order().ToList();
        text.AppendLine("ratios (reserved/s, same run, same C):");
        foreach (var c in levels)
        {
            var grain = Level(Target.Grain, c);
            var parts = new List<string>();
            foreach (var other in new[] { Target.Http, Target.RedisLua, Target.PgRowLock })
            {
                if (grain is not null && Level(other, c) is { } o && o.ReservedPerSecond > 0)
                {
                    parts.Add($"grain/{other} {grain.ReservedPerSecond / o.ReservedPerSecond:F2}×");
                }
            }

            if (parts.Count > 0)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  C={c,-5} {string.Join("   ", parts)}");
            }
        }
    }

    private LevelResult? Level(string target, int concurrency) =>
        FlashSale.FirstOrDefault(l => l.Target == target && l.Concurrency == concurrency);

    private static Goal Ratio(string name, LevelResult? a, LevelResult? b, double goal)
    {
        if (a is null || b is null || b.ReservedPerSecond <= 0)
        {
            return Goal.NotMeasured(name);
        }

        var ratio = a.ReservedPerSecond / b.ReservedPerSecond;
        return new Goal(name, $"{ratio:F2}× ({a.ReservedPerSecond:N0} vs {b.ReservedPerSecond:N0}/s)", ratio >= goal, $"{ratio / goal:P0}");
    }

    private static void AppendCpu(StringBuilder text, string label, CpuPerOperation cpu) =>
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{label} {cpu.Bench,8:F1} {cpu.Silos,7:F1} {Na(cpu.Api),7} {cpu.Postgres,7:F1} {Na(cpu.Redis),7} {cpu.Total,7:F1}   {cpu.CoresBusy,5:F2}");

    private static string Na(double value) => double.IsNaN(value) ? "n/a" : value.ToString("F1", CultureInfo.InvariantCulture);

    private static void AppendPass(StringBuilder text, string name, ManyStoresPassResult pass) =>
        text.AppendLine(CultureInfo.InvariantCulture,
            $"  {name,-20} {pass.Reserved,10:N0} {pass.ReservedPerSecond,12:N0} {pass.Latency.P50,9:F2} {pass.Latency.P99,9:F2} {pass.Latency.Max,9:F1} {pass.ErrorCount,7} {pass.LoadAfter,5:F1}");

    private static string Mb(Hosting.SiloMemory memory) =>
        $"{memory.Activations:N0} activations, {(memory.LiveHeapBytes is { } live ? $"{live / 1048576.0:F1} MB live / " : string.Empty)}{memory.OrleansMemoryUsage / 1048576.0:F1} MB GC / {(memory.ResidentBytes ?? 0) / 1048576.0:F1} MB RSS";

    private static string Kb(PerGrainMemory memory) =>
        $"{memory.LiveBytes / 1024:F2} KB live / {memory.OrleansBytes / 1024:F2} KB GC / {memory.ResidentBytes / 1024:F2} KB RSS";
}

/// <summary>One goal of issue 4: the figure measured and whether it is met (null: not measured in this run).</summary>
internal sealed record Goal(string Name, string Figure, bool? Met, string OfTarget)
{
    public static Goal NotMeasured(string name) => new(name, "not measured", null, "n/a");
}
