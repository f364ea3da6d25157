using System.Diagnostics;
using System.Globalization;
using Npgsql;
using StackExchange.Redis;

namespace MultiStore.Bench.Measurement;

/// <summary>
/// CPU time used by each part of the path (the bench's own process, the silos, the Api, the PostgreSQL backends
/// serving the bench database, Redis) between two readings. Divided by the reservations made, it tells where the
/// time goes per reservation — a figure that holds even when other work on the machine makes throughput noisy.
/// </summary>
internal sealed class CpuMeter(IReadOnlyList<int> siloPids, int? apiPid, NpgsqlDataSource? benchDatabase, string database, IServer? redis)
{
    private static readonly double TicksPerSecond = 100; // USER_HZ on Linux

    public async Task<CpuReading> ReadAsync()
    {
        var pg = new Dictionary<int, double>();
        if (benchDatabase is not null)
        {
            try
            {
                await using var command = benchDatabase.CreateCommand("SELECT pid FROM pg_stat_activity WHERE datname = $1");
                command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = database });
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    var pid = reader.GetInt32(0);
                    pg[pid] = ProcessSeconds(pid);
                }
            }
            catch (NpgsqlException)
            {
                // No reading: the figure is left out rather than guessed.
            }
        }

        double redisSeconds = double.NaN;
        if (redis is not null)
        {
            try
            {
                var info = (await redis.InfoAsync("cpu")).SelectMany(group => group).ToDictionary(pair => pair.Key, pair => pair.Value);
                redisSeconds = double.Parse(info["used_cpu_user"], CultureInfo.InvariantCulture) + double.Parse(info["used_cpu_sys"], CultureInfo.InvariantCulture);
            }
            catch (RedisException)
            {
                // As above.
            }
        }

        return new CpuReading(
            Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds,
            siloPids.Sum(ProcessSeconds),
            apiPid is { } api ? ProcessSeconds(api) : double.NaN,
            pg,
            redisSeconds,
            Stopwatch.GetTimestamp());
    }

    /// <summary>utime + stime of a process from /proc (0 when it is gone).</summary>
    public static double ProcessSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Fields after the command name (which may hold spaces) start after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}

/// <summary>CPU seconds per part at one moment.</summary>
internal sealed record CpuReading(double Bench, double Silos, double Api, IReadOnlyDictionary<int, double> PgBackends, double Redis, long Timestamp)
{
    /// <summary>CPU used since <paramref name="start"/>, in microseconds per operation.</summary>
    public CpuPerOperation Since(CpuReading start, int operations)
    {
        var n = Math.Max(1, operations);
        double Per(double seconds) => seconds * 1e6 / n;
        // A backend that appeared meanwhile counts from zero; one that left is not counted (pools keep theirs open).
        var pg = PgBackends.Sum(b => b.Value - (start.PgBackends.TryGetValue(b.Key, out var before) ? before : 0));
        var wall = Stopwatch.GetElapsedTime(start.Timestamp, Timestamp).TotalSeconds;
        var total = (Bench - start.Bench) + (Silos - start.Silos) + Zero(Api - start.Api) + pg + Zero(Redis - start.Redis);
        return new CpuPerOperation(
            Per(Bench - start.Bench),
            Per(Silos - start.Silos),
            Per(Api - start.Api),
            Per(pg),
            Per(Redis - start.Redis),
            Per(total),
            total / Math.Max(wall, 1e-9));
    }

    private static double Zero(double value) => double.IsNaN(value) ? 0 : value;
}

/// <summary>CPU microseconds per operation by part, their total, and the cores they kept busy on average.</summary>
internal sealed record CpuPerOperation(double Bench, double Silos, double Api, double Postgres, double Redis, double Total, double CoresBusy);
