using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MultiStore.Bench.Measurement;
using MultiStore.Grains.Hosting;
using Npgsql;
using StackExchange.Redis;

namespace MultiStore.Bench.Hosting;

/// <summary>
/// Everything the targets run against: PostgreSQL and Redis (scripts/services.sh), and in auto mode a durable
/// cluster of its own — N silo processes and the Api in cluster mode, on ports away from scripts/cluster-up.sh's,
/// with cluster and service id "bench" and a database of its own (<c>multistore_bench</c>, recreated per run so
/// every run starts from empty tables). External mode uses a running cluster as the environment describes it.
/// </summary>
internal sealed partial class BenchEnvironment : IAsyncDisposable
{
    public const string BenchDatabase = "multistore_bench";
    public const int SiloPortBase = 11290;
    public const int GatewayPortBase = 30290;
    public const int ApiPort = 5190;

    /// <summary>Silo i serves its health and metrics on this port plus i (unless --silo-env sets Health__Port).</summary>
    public const int HealthPortBase = 18290;

    /// <summary>The Api setting of the per-store storefront window, which the bench lifts.</summary>
    private const string StoreWindowKey = "RateLimits__StorefrontStore__PermitLimit";
    public static readonly TimeSpan ClientResponseTimeout = TimeSpan.FromSeconds(30);

    private readonly List<(string Name, Process Process)> _children = [];
    private IHost? _clientHost;

    private BenchEnvironment(string root) => Root = root;

    public string Root { get; }

    public string PostgresConnectionString { get; private set; } = string.Empty;

    public string RedisConnectionString { get; private set; } = string.Empty;

    public string ClusterId { get; private set; } = "bench";

    public string ServiceId { get; private set; } = "bench";

    /// <summary>The Api's base URL, or null when no Api in cluster mode answers (the reason is in <see cref="ApiUnavailable"/>).</summary>
    public string? ApiUrl { get; private set; }

    public string? ApiUnavailable { get; private set; }

    public IClusterClient Client => _clientHost!.Services.GetRequiredService<IClusterClient>();

    public IReadOnlyList<int> SiloProcessIds => [.. _children.Where(c => c.Name.StartsWith("silo", StringComparison.Ordinal)).Select(c => c.Process.Id)];

    public int? ApiProcessId => _children.Where(c => c.Name == "api").Select(c => (int?)c.Process.Id).FirstOrDefault();

    /// <summary>The Prometheus metrics of the processes auto mode started (none in external mode).</summary>
    public IReadOnlyList<string> MetricsUrls { get; private set; } = [];

    /// <summary>The silos' own metrics (those of <see cref="MetricsUrls"/> that are not the Api's).</summary>
    private IReadOnlyList<string> SiloMetricsUrls { get; set; } = [];

    /// <summary>How the cluster was set up, for the report.</summary>
    public string Description { get; private set; } = string.Empty;

    public string LogDirectory => Path.Combine(Root, ".artifacts", "bench");

    public static async Task<BenchEnvironment> StartAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var environment = new BenchEnvironment(FindRoot());
        try
        {
            await environment.StartCoreAsync(options, cancellationToken);
            return environment;
        }
        catch
        {
            await environment.DisposeAsync();
            throw;
        }
    }

    private async Task StartCoreAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(LogDirectory);
        if (options.ExternalCluster)
        {
            PostgresConnectionString = Required("ConnectionStrings__Postgres");
            RedisConnectionString = Required("ConnectionStrings__Redis");
            ClusterId = Environment.GetEnvironmentVariable("Orleans__ClusterId") ?? "local";
            ServiceId = Environment.GetEnvironmentVariable("Orleans__ServiceId") ?? "multistore";
            await StartClientAsync(cancellationToken);
            ApiUrl = options.ApiUrl ?? "http://127.0.0.1:5180";
            if (!await ApiReadyAsync(ApiUrl, cancellationToken))
            {
                ApiUnavailable = $"no Api answers on {ApiUrl}/health/ready";
                ApiUrl = null;
            }

            Description = $"external cluster '{ClusterId}' (service '{ServiceId}')";
            return;
        }

        var exports = await ServicesUpAsync(cancellationToken);
        RedisConnectionString = exports["ConnectionStrings__Redis"];
        var admin = exports["ConnectionStrings__Postgres"];
        PostgresConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = BenchDatabase }.ConnectionString;
        await RecreateDatabaseAsync(admin, cancellationToken);
        await ClearRedisAsync(cancellationToken);

        var siloDll = options.SiloDll is { } custom ? Path.GetFullPath(custom) : Path.Combine(Root, "Silo", "bin", "Release", "net10.0", "MultiStore.Silo.dll");
        var apiDll = Path.Combine(Root, "Api", "bin", "Release", "net10.0", "MultiStore.Api.dll");
        foreach (var dll in new[] { siloDll, apiDll })
        {
            if (!File.Exists(dll))
            {
                throw new InvalidOperationException($"{dll} is missing: build with `dotnet build -c Release` (scripts/bench.sh does).");
            }
        }

        var ports = Enumerable.Range(1, options.Silos).SelectMany(i => new[] { SiloPortBase + i, GatewayPortBase + i, HealthPortBase + i }).Append(ApiPort).ToList();
        var busy = ports.Where(PortAnswers).ToList();
        if (busy.Count > 0)
        {
            throw new InvalidOperationException($"Ports {string.Join(", ", busy)} are in use (another bench run?); nothing started.");
        }

        var common = new Dictionary<string, string>
        {
            ["Orleans__Mode"] = "Cluster",
            ["Orleans__ClusterId"] = ClusterId,
            ["Orleans__ServiceId"] = ServiceId,
            ["ConnectionStrings__Redis"] = RedisConnectionString,
            ["Logging__LogLevel__Default"] = "Warning",
            ["DOTNET_gcServer"] = "1",
        };
        for (var i = 1; i <= options.Silos; i++)
        {
            var silo = new Dictionary<string, string>(common)
            {
                ["Orleans__SiloPort"] = $"{SiloPortBase + i}",
                ["Orleans__GatewayPort"] = $"{GatewayPortBase + i}",
                ["ConnectionStrings__Postgres"] = PostgresConnectionString,
                ["Database__MigrateOnStart"] = "true",
                ["Health__Port"] = $"{HealthPortBase + i}",
            };
            Start($"silo-{i}", siloDll, silo, options.SiloEnvironment);
        }

        for (var i = 1; i <= options.Silos; i++)
        {
            await WaitForPortAsync($"silo-{i}", GatewayPortBase + i, TimeSpan.FromSeconds(90), cancellationToken);
        }

        await StartClientAsync(cancellationToken);

        var api = new Dictionary<string, string>(common)
        {
            ["Urls"] = $"http://127.0.0.1:{ApiPort}",
            ["Demo__Seed"] = "false",
            // A cluster Api refuses the public development key; the bench signs no token, so any secret of its own will do.
            ["Auth__SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)),
            // The per-store window (3,000 storefront requests a second by default) protects the other stores of a
            // shared Api from one store's sale; here it would measure the limit, not the path. Lifted, and said so.
            [StoreWindowKey] = "1000000",
        };
        var apiProcess = Start("api", apiDll, api, options.ApiEnvironment);
        var url = $"http://127.0.0.1:{ApiPort}";
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60) && !apiProcess.HasExited && !await ApiReadyAsync(url, cancellationToken))
        {
            await Task.Delay(500, cancellationToken);
        }

        var metrics = Enumerable.Range(1, options.Silos)
            .Select(i => int.TryParse(options.SiloEnvironment.GetValueOrDefault("Health__Port"), out var port) ? port : HealthPortBase + i)
            .Select(port => $"http://127.0.0.1:{port}/metrics")
            .ToList();
        SiloMetricsUrls = [.. metrics];
        if (!apiProcess.HasExited && await ApiReadyAsync(url, cancellationToken))
        {
            ApiUrl = url;
            metrics.Add($"{url}/metrics");
        }
        else
        {
            var log = Path.Combine(LogDirectory, "api.log");
            var tail = File.Exists(log) ? File.ReadLines(log).Where(line => line.Contains("Exception", StringComparison.Ordinal)).Take(1).FirstOrDefault() : null;
            ApiUnavailable = $"the Api did not become ready in cluster mode ({tail?.Trim() ?? "see " + log})";
        }

        MetricsUrls = metrics;

        var overrides = options.SiloEnvironment.Count == 0 ? string.Empty : $", silo settings {Settings(options.SiloEnvironment)}";
        var build = options.SiloDll is null ? string.Empty : $", silo build {siloDll}";
        var apiOverrides = options.ApiEnvironment.Count == 0 ? string.Empty : $", {Settings(options.ApiEnvironment)}";
        Description = $"{options.Silos} silo process(es) (Release, Server GC{overrides}{build}) + the Api in cluster mode ({StoreWindowKey}=1000000{apiOverrides}), cluster '{ClusterId}', database {BenchDatabase}; logs in {LogDirectory}";
    }

    private static string Settings(IReadOnlyDictionary<string, string> settings) => string.Join(" ", settings.Select(e => $"{e.Key}={e.Value}"));

    private async Task StartClientAsync(CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Logs go to stderr with the progress lines; stdout keeps only the tables. A late response is counted as an
        // error by the load loop already, so Orleans' per-call timeout warning is not repeated thousands of times.
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Orleans.Runtime.CallbackData", LogLevel.Error);
        // The load client waits up to 30 s (Orleans' own default) instead of the Api's 3 s: overload should show up as
        // latency in the figures, and the management calls (a full GC of a large heap) must not time out.
        builder.Configuration["Orleans:ClientMessaging:ResponseTimeout"] = ClientResponseTimeout.ToString();
        var cluster = new MultiStoreClusterOptions { ClusterId = ClusterId, ServiceId = ServiceId, RedisConnectionString = RedisConnectionString };
        builder.UseOrleansClient(client => client.UseRedisCluster(cluster));
        _clientHost = builder.Build();
        await _clientHost.StartAsync(cancellationToken);
    }

    private IManagementGrain Management => Client.GetGrain<IManagementGrain>(0);

    private async Task<SiloAddress[]> ActiveSilosAsync() => [.. (await Management.GetHosts(onlyActive: true)).Keys];

    /// <summary>
    /// Deactivates every grain idle for a second and collects the silos' garbage: what an earlier level or warm-up
    /// left behind (every http reservation activates a cart of its own, 10,000 per sell-out) is gone before the next
    /// level starts, as it would be in a store whose idle carts have reached their collection age.
    /// </summary>
    public async Task CollectIdleGrainsAsync()
    {
        var management = Management;
        var silos = await ActiveSilosAsync();
        await management.ForceActivationCollection(silos, TimeSpan.FromSeconds(1));
        await management.ForceGarbageCollection(silos);
    }

    /// <summary>The silos' memory after a full GC in each: Orleans' own figure and the processes' resident set.</summary>
    public async Task<SiloMemory> MeasureSiloMemoryAsync()
    {
        var management = Management;
        var silos = await ActiveSilosAsync();
        await management.ForceGarbageCollection(silos);
        await Task.Delay(TimeSpan.FromSeconds(1));
        await management.ForceGarbageCollection(silos);
        await management.ForceRuntimeStatisticsCollection(silos);
        var statistics = await management.GetRuntimeStatistics(silos);
        long residentBytes = 0;
        foreach (var pid in SiloProcessIds)
        {
            residentBytes += ResidentBytes(pid);
        }

        return new SiloMemory(
            statistics.Sum(s => (long)s.ActivationCount),
            statistics.Sum(s => MemoryBytes(s.EnvironmentStatistics)),
            SiloProcessIds.Count > 0 ? residentBytes : null,
            await LiveHeapBytesAsync());
    }

    /// <summary>
    /// What the silos' objects occupy after their last collection (the forced full one just before): each
    /// generation's size less its free space, from the runtime's own metrics. Orleans' figure adds that free space
    /// back, and how much a full collection leaves free varies from run to run (the same build measured between 1.8
    /// and 4.7 KB per stocked entry by that figure); null when a silo's metrics cannot be read.
    /// </summary>
    private async Task<long?> LiveHeapBytesAsync()
    {
        if (SiloMetricsUrls.Count == 0)
        {
            return null;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        long live = 0;
        foreach (var url in SiloMetricsUrls)
        {
            try
            {
                var text = await http.GetStringAsync(url);
                live += (long)(PrometheusText.Sum(text, "dotnet_gc_last_collection_heap_size_bytes") - PrometheusText.Sum(text, "dotnet_gc_last_collection_heap_fragmentation_size_bytes"));
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                return null;
            }
        }

        return live;
    }

    /// <summary>
    /// The GC heap figure Orleans reports: the raw sample when this Orleans version exposes it, else the filtered one
    /// (two forced collections and a fresh statistics sample come first, so the filter has little left to smooth).
    /// </summary>
    private static long MemoryBytes(object statistics)
    {
        var type = statistics.GetType();
        foreach (var name in new[] { "RawMemoryUsageBytes", "MemoryUsageBytes", "FilteredMemoryUsageBytes" })
        {
            var value = type.GetProperty(name)?.GetValue(statistics) ?? type.GetField(name)?.GetValue(statistics);
            if (value is not null)
            {
                return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    private static long ResidentBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            }
        }

        return 0;
    }

    /// <summary>Starts <paramref name="dll"/> with the bench's settings, then the user's (--silo-env, --api-env) over them.</summary>
    private Process Start(string name, string dll, IReadOnlyDictionary<string, string> settings, IReadOnlyDictionary<string, string> overrides)
    {
        var log = Path.Combine(LogDirectory, $"{name}.log");
        // exec: the recorded pid is the dotnet process itself, which SIGTERM then reaches.
        var start = new ProcessStartInfo("bash", ["-c", $"exec dotnet '{dll}' >'{log}' 2>&1"]) { UseShellExecute = false, WorkingDirectory = Path.GetDirectoryName(dll)! };
        foreach (var (key, value) in settings.Concat(overrides))
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {name}.");
        _children.Add((name, process));
        return process;
    }

    private async Task WaitForPortAsync(string name, int port, TimeSpan limit, CancellationToken cancellationToken)
    {
        var process = _children.Single(c => c.Name == name).Process;
        var waited = Stopwatch.StartNew();
        while (!PortAnswers(port))
        {
            if (process.HasExited || waited.Elapsed > limit)
            {
                throw new InvalidOperationException($"{name} did not open port {port} (log: {Path.Combine(LogDirectory, name + ".log")}).");
            }

            await Task.Delay(250, cancellationToken);
        }
    }

    private static bool PortAnswers(int port)
    {
        try
        {
            using var probe = new TcpClient();
            probe.Connect("127.0.0.1", port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<bool> ApiReadyAsync(string url, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        try
        {
            using var response = await http.GetAsync($"{url}/health/ready", cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    private async Task<Dictionary<string, string>> ServicesUpAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash", [Path.Combine(Root, "scripts", "services.sh"), "up"])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException("scripts/services.sh up failed: PostgreSQL and Redis are needed.");
        }

        return output.Split('\n')
            .Select(line => ExportLine().Match(line))
            .Where(match => match.Success)
            .ToDictionary(match => match.Groups[1].Value, match => match.Groups[2].Value);
    }

    private static async Task RecreateDatabaseAsync(string admin, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(cancellationToken);
        // Right after a run, autovacuum is often still working through the hundreds of thousands of rows it wrote.
        // Its worker belongs to the bootstrap superuser, which the bench's role may not terminate, so the forced drop
        // is refused (42501) until the worker is done: that is waited for, up to a minute.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await ExecuteAsync($"DROP DATABASE IF EXISTS {BenchDatabase} WITH (FORCE)");
                break;
            }
            catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 30)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken);
            }
        }

        await ExecuteAsync($"CREATE DATABASE {BenchDatabase}");

        async Task ExecuteAsync(string sql)
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Forgets the bench cluster's old membership and the redis-lua target's keys of earlier runs.</summary>
    private async Task ClearRedisAsync(CancellationToken cancellationToken)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisConnectionString + ",allowAdmin=true");
        var db = redis.GetDatabase();
        await db.KeyDeleteAsync($"{ServiceId}/members/{ClusterId}");
        var server = redis.GetServers()[0];
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: "bench:*", pageSize: 1000).WithCancellation(cancellationToken))
        {
            keys.Add(key);
            if (keys.Count == 1000)
            {
                await db.KeyDeleteAsync([.. keys]);
                keys.Clear();
            }
        }

        if (keys.Count > 0)
        {
            await db.KeyDeleteAsync([.. keys]);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_clientHost is not null)
        {
            try
            {
                await _clientHost.StopAsync(TimeSpan.FromSeconds(10));
            }
            catch (Exception exception)
            {
                Console.Error.WriteLine($"bench: the cluster client did not stop cleanly: {exception.Message}");
            }

            _clientHost.Dispose();
        }

        // The Api first, then the silos, each with SIGTERM so they leave the cluster cleanly.
        foreach (var (name, process) in Enumerable.Reverse(_children))
        {
            if (!process.HasExited)
            {
                using var term = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false });
                term?.WaitForExit();
            }

            if (!process.WaitForExit(TimeSpan.FromSeconds(35)))
            {
                Console.Error.WriteLine($"bench: {name} did not stop within 35 s: killing it");
                process.Kill();
            }

            process.Dispose();
        }
    }

    private static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "MultiStore.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Run the bench inside the MultiStore repository (no MultiStore.sln found above it).");
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"--cluster external needs {name} (eval \"$(scripts/services.sh env)\").");

    [System.Text.RegularExpressions.GeneratedRegex("^export ([A-Za-z_][A-Za-z0-9_]*)=\"(.*)\"$")]
    private static partial System.Text.RegularExpressions.Regex ExportLine();
}

/// <summary>Silo memory after a full GC: activations, Orleans' memory figure, resident set of the silo processes.</summary>
internal sealed record SiloMemory(long Activations, long OrleansMemoryUsage, long? ResidentBytes, long? LiveHeapBytes = null);
