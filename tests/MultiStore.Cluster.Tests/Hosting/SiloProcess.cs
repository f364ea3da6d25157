using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace MultiStore.Cluster.Tests.Hosting;

/// <summary>Where a silo or Api process finds its cluster and its storage.</summary>
public sealed record ClusterSettings(string ClusterId, string ServiceId, string Postgres, string Redis)
{
    /// <summary>
    /// A cluster and service of their own on the given stores. Each process's connection pool is capped at
    /// <see cref="PoolSize"/> (Npgsql's default is 100): three silos at the default could take every connection the
    /// shared PostgreSQL allows (300) from whatever else runs on it.
    /// </summary>
    public static ClusterSettings New(string postgres, string redis) =>
        new($"c-{Guid.NewGuid():N}"[..12], DurableCluster.NewServiceId(), $"{postgres};Maximum Pool Size={PoolSize}", redis);

    public const int PoolSize = 20;
}

/// <summary>
/// One real silo process (the built <c>MultiStore.Silo.dll</c> in cluster mode) on loopback ports of its own, with
/// its output in <c>.artifacts/cluster-tests/&lt;test&gt;/silo-N[-generation].log</c>. It can be killed (SIGKILL),
/// stopped (SIGTERM) or started again on the same ports, as an orchestrator would.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process, StreamWriter log, int index, int generation, int siloPort, int gatewayPort, string logPath)
    {
        _process = process;
        _log = log;
        Index = index;
        Generation = generation;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        LogPath = logPath;
    }

    /// <summary>1, 2, 3...: which silo of the cluster this is; a restart keeps it.</summary>
    public int Index { get; }

    /// <summary>1 for the first process of this silo, then one more per restart.</summary>
    public int Generation { get; }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Completes when the process has exited, for whatever reason.</summary>
    public Task Exited => _process.WaitForExitAsync();

    /// <summary>When the process exit was noticed (UTC), or null while it runs.</summary>
    public DateTime? ExitedAtUtc { get; private set; }

    /// <summary>Starts silo <paramref name="index"/> of <paramref name="cluster"/> on the given ports and waits until it has joined.</summary>
    public static Task<SiloProcess> StartAsync(
        string runDirectory, int index, (int Silo, int Gateway) ports, ClusterSettings cluster, IReadOnlyDictionary<string, string>? settings = null) =>
        StartAsync(runDirectory, index, generation: 1, ports.Silo, ports.Gateway, cluster, settings);

    /// <summary>Starts the next generation of <paramref name="previous"/> on the same ports (the previous one has exited).</summary>
    public static Task<SiloProcess> RestartAsync(
        string runDirectory, SiloProcess previous, ClusterSettings cluster, IReadOnlyDictionary<string, string>? settings = null) =>
        StartAsync(runDirectory, previous.Index, previous.Generation + 1, previous.SiloPort, previous.GatewayPort, cluster, settings);

    private static async Task<SiloProcess> StartAsync(
        string runDirectory, int index, int generation, int siloPort, int gatewayPort, ClusterSettings cluster, IReadOnlyDictionary<string, string>? settings)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Artifacts.BuiltAssembly("Silo", "MultiStore.Silo.dll"));
        start.Environment["Orleans__Mode"] = "Cluster";
        start.Environment["Orleans__ClusterId"] = cluster.ClusterId;
        start.Environment["Orleans__ServiceId"] = cluster.ServiceId;
        start.Environment["Orleans__SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["Orleans__GatewayPort"] = gatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["ConnectionStrings__Postgres"] = cluster.Postgres;
        start.Environment["ConnectionStrings__Redis"] = cluster.Redis;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        start.Environment["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information";
        start.Environment["Logging__LogLevel__MultiStore"] = "Information";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        Directory.CreateDirectory(runDirectory);
        var logPath = Path.Combine(runDirectory, generation == 1 ? $"silo-{index}.log" : $"silo-{index}-{generation}.log");
        var log = new StreamWriter(logPath, append: false, Encoding.UTF8) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var silo = new SiloProcess(process, log, index, generation, siloPort, gatewayPort, logPath);
        process.OutputDataReceived += (_, line) => silo.OnOutput(line.Data);
        process.ErrorDataReceived += (_, line) => silo.OnOutput(line.Data);
        process.Exited += (_, _) =>
        {
            silo.ExitedAtUtc = DateTime.UtcNow;
            silo._started.TrySetException(new InvalidOperationException($"Silo {index} exited during start-up: see {logPath}."));
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await silo._started.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return silo;
    }

    /// <summary>kill -9: the process vanishes without leaving the cluster.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>SIGTERM, as an orchestrator sends it: the silo leaves the cluster cleanly and exits.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            _ = SendSignal(_process.Id, SigTerm);
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.WriteLine(line);
        }

        if (line.Contains("Application started", StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }
    }

    /// <summary>
    /// <paramref name="count"/> distinct loopback ports nobody listens on right now. All are held until all are
    /// found: ports taken one at a time can come back twice, and Orleans listens with address reuse, so two silos
    /// on one port would both start and then evict each other.
    /// </summary>
    public static int[] FreePorts(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(listener => ((IPEndPoint)listener.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    /// <summary>Sends a POSIX signal (SIGTERM here; .NET's Process only knows SIGKILL).</summary>
    public static int Signal(int processId, int signal) => SendSignal(processId, signal);

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code enabled for one blittable call.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
#pragma warning restore SYSLIB1054
}
