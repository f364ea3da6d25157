using System.Diagnostics;
using MultiStore.Bench.Hosting;
using MultiStore.Bench.Measurement;
using MultiStore.Bench.Reporting;
using MultiStore.Bench.Scenarios;
using MultiStore.Bench.Targets;
using Npgsql;
using StackExchange.Redis;

namespace MultiStore.Bench;

/// <summary>One benchmark run: environment up, the scenarios' targets one level at a time, tables and JSON, environment down.</summary>
internal static class BenchRun
{
    public static async Task<int> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        void Log(string line) => Console.Error.WriteLine($"[{clock.Elapsed:mm\\:ss}] {line}");

        var startedAt = DateTimeOffset.UtcNow;
        // A short id that keeps every name of this run apart from earlier runs' (tenant ids allow 40 characters).
        var run = Convert.ToString(startedAt.ToUnixTimeSeconds() % 1_000_000_000, 16);
        Log($"starting ({(options.ExternalCluster ? "external cluster" : "own cluster")}), run {run}");
        await using var environment = await BenchEnvironment.StartAsync(options, cancellationToken);
        Log($"cluster ready: {environment.Description}");

        var report = new Report { Run = run, StartedAt = startedAt, Options = options, Cluster = environment.Description, LoadAtStart = Machine.LoadAverage() };
        await using var journalSource = NpgsqlDataSource.Create(environment.PostgresConnectionString);
        var journal = new JournalTally(journalSource, environment.ServiceId);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(environment.RedisConnectionString + ",allowAdmin=true");

        var targets = new List<IStockTarget>();
        GrainTarget? grain = null;
        PgRowLockTarget? pg = null;
        if (options.Runs(Target.Grain) || options.Scenarios.Contains(Scenario.ManyStores))
        {
            grain = new GrainTarget(environment.Client, journal);
            if (options.Runs(Target.Grain))
            {
                targets.Add(grain);
            }
        }

        if (options.Runs(Target.Http))
        {
            if (environment.ApiUrl is { } url)
            {
                targets.Add(new HttpTarget(url, environment.Client, journal));
            }
            else
            {
                report.Notes.Add($"http not measured: {environment.ApiUnavailable}");
                Log($"http target skipped: {environment.ApiUnavailable}");
            }
        }

        if (options.Runs(Target.PgRowLock))
        {
            pg = new PgRowLockTarget(PgRowLockTarget.CreateDataSource(environment.PostgresConnectionString, options.PgPool));
            await pg.EnsureSchemaAsync(cancellationToken);
            targets.Add(pg);
            report.PgRowLockPool = $"pool of at most {options.PgPool} connections, synchronous_commit on";
        }

        if (options.Runs(Target.RedisLua))
        {
            var lua = new RedisLuaTarget(redis);
            report.RedisDurability = await lua.AppendFsyncAsync();
            targets.Add(lua);
        }

        var cpu = new CpuMeter(environment.SiloProcessIds, environment.ApiProcessId, journalSource, new NpgsqlConnectionStringBuilder(environment.PostgresConnectionString).Database!, redis.GetServers()[0]);
        try
        {
            if (options.Scenarios.Contains(Scenario.FlashSale))
            {
                using var jit = new JitMeter(environment.MetricsUrls);
                var flash = new FlashSale(options, run, Log, cpu, jit);
                var soldOutLevel = options.Concurrency.Contains(256) ? 256 : options.Concurrency.Max();
                foreach (var target in targets)
                {
                    await flash.WarmUpAsync(target, cancellationToken);
                }

                // Levels outside, targets inside: figures compared at one level are taken minutes, not seconds, apart
                // at most, under the same background load.
                foreach (var concurrency in options.Concurrency)
                {
                    foreach (var target in targets)
                    {
                        var withSoldOut = target.Name == Target.Grain && concurrency == soldOutLevel;
                        if (target.Name is Target.Grain or Target.Http)
                        {
                            var collecting = Stopwatch.StartNew();
                            await environment.CollectIdleGrainsAsync();
                            Log($"{target.Name,-10} idle grains collected in {collecting.Elapsed.TotalSeconds:F1} s");
                        }

                        report.FlashSale.Add(await flash.RunLevelAsync(target, concurrency, withSoldOut, report.SoldOut, cancellationToken));
                    }
                }
            }

            if (options.Scenarios.Contains(Scenario.ManyStores))
            {
                var many = new ManyStores(options, run, Log, cpu);
                report.ManyStoresGrain = await many.RunGrainAsync(grain!, environment, cancellationToken);
                if (pg is not null)
                {
                    report.ManyStoresPg = await many.RunPgAsync(pg, cancellationToken);
                }
            }
        }
        finally
        {
            foreach (var target in targets.Where(t => t != grain))
            {
                await target.DisposeAsync();
            }
        }

        report.EvaluateGoals();
        Console.WriteLine(report.ToText());
        foreach (var scenario in options.Scenarios)
        {
            var path = await report.WriteJsonAsync(Path.Combine(environment.Root, options.OutDirectory), scenario);
            Log($"wrote {path}");
        }

        Log($"done in {clock.Elapsed.TotalMinutes:F1} min");
        var exact = report.FlashSale.All(l => l.Exact || l.HitTimeLimit) && report.SoldOut.All(s => s.Reserved == 0) && (report.ManyStoresGrain?.Exact ?? true);
        return exact ? 0 : 1;
    }
}
