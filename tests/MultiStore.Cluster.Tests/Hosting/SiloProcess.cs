using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace MultiStore.Cluster.Tests.Hosting;

/// <summary>
/// One real silo process (the built <c>MultiStore.Silo.dll</c> in cluster mode) on loopback ports of its own, with
/// its output in <c>.artifacts/cluster-tests/&lt;run&gt;/silo-N.log</c>. It can be killed (SIGKILL) or stopped (SIGTERM).
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process, StreamWriter log, int siloPort, int gatewayPort, string logPath)
    {
        _process = process;
        _log = log;
        SiloPort = siloPort;
        GatewayPort = gatewayPort;
        LogPath = logPath;
    }

    public int SiloPort { get; }

    public int GatewayPort { get; }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts a silo of cluster <paramref name="clusterId"/> and waits until it has joined.</summary>
    public static async Task<SiloProcess> StartAsync(
        string runDirectory, int index, string clusterId, string serviceId, TestDatabase database, IReadOnlyDictionary<string, string>? settings = null)
    {
        var siloPort = FreePort();
        var gatewayPort = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(SiloAssemblyPath());
        start.Environment["Orleans__Mode"] = "Cluster";
        start.Environment["Orleans__ClusterId"] = clusterId;
        start.Environment["Orleans__ServiceId"] = serviceId;
        start.Environment["Orleans__SiloPort"] = siloPort.ToString();
        start.Environment["Orleans__GatewayPort"] = gatewayPort.ToString();
        start.Environment["ConnectionStrings__Postgres"] = database.ConnectionString;
        start.Environment["ConnectionStrings__Redis"] = TestServices.Redis;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        start.Environment["Logging__LogLevel__Orleans.Runtime.MembershipService"] = "Information";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        Directory.CreateDirectory(runDirectory);
        var logPath = Path.Combine(runDirectory, $"silo-{index}.log");
        var log = new StreamWriter(logPath, append: false, Encoding.UTF8) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var silo = new SiloProcess(process, log, siloPort, gatewayPort, logPath);
        process.OutputDataReceived += (_, line) => silo.OnOutput(line.Data);
        process.ErrorDataReceived += (_, line) => silo.OnOutput(line.Data);
        process.Exited += (_, _) => silo._started.TrySetException(new InvalidOperationException($"Silo {index} exited during start-up: see {logPath}."));
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The Silo build next to this test build (same configuration), found from the solution root.</summary>
    private static string SiloAssemblyPath()
    {
#if DEBUG
        const string Configuration = "Debug";
#else
        const string Configuration = "Release";
#endif
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "MultiStore.sln")))
        {
            directory = directory.Parent;
        }

        var path = directory is null
            ? null
            : Path.Combine(directory.FullName, "Silo", "bin", Configuration, "net10.0", "MultiStore.Silo.dll");
        return path is not null && File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The Silo build was not found ({path}); build the solution first.");
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code enabled for one blittable call.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
#pragma warning restore SYSLIB1054
}
