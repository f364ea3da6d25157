using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MultiStore.Cluster.Tests.Hosting;

/// <summary>
/// The built <c>MultiStore.Api.dll</c> as a process of its own in cluster mode (an Orleans client that finds its
/// gateways in Redis), on a loopback port, with its output in the test's log folder.
/// </summary>
public sealed class ApiProcess : IAsyncDisposable
{
    /// <summary>Tokens are signed with this key; only these tests use it.</summary>
    public const string SigningKey = "cluster-tests-only-signing-key-0123456789abcdef";

    private readonly Process _process;
    private readonly StreamWriter _log;

    private ApiProcess(Process process, StreamWriter log, Uri baseAddress, string logPath)
    {
        _process = process;
        _log = log;
        BaseAddress = baseAddress;
        LogPath = logPath;
    }

    public Uri BaseAddress { get; }

    public string LogPath { get; }

    public bool HasExited => _process.HasExited;

    private static string Assembly => Artifacts.BuiltAssembly("Api", "MultiStore.Api.dll");

    /// <summary>Starts the Api for <paramref name="cluster"/>; <see cref="WaitUntilReadyAsync"/> says when it serves.</summary>
    public static ApiProcess Start(string runDirectory, int port, ClusterSettings cluster, IReadOnlyDictionary<string, string>? extraSettings = null)
    {
        var start = NewStartInfo();
        start.ArgumentList.Add(Assembly);
        start.Environment["Orleans__Mode"] = "Cluster";
        start.Environment["Orleans__ClusterId"] = cluster.ClusterId;
        start.Environment["Orleans__ServiceId"] = cluster.ServiceId;
        start.Environment["ConnectionStrings__Redis"] = cluster.Redis;
        start.Environment["Urls"] = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        // One warning per 503, naming the exception behind it: what an incident looked like from the Api.
        start.Environment["Logging__LogLevel__MultiStore.Api.Problems"] = "Warning";
        foreach (var (key, value) in extraSettings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        Directory.CreateDirectory(runDirectory);
        var logPath = Path.Combine(runDirectory, "api.log");
        var log = new StreamWriter(logPath, append: false, Encoding.UTF8) { AutoFlush = true };
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, line) => Write(log, line.Data);
        process.ErrorDataReceived += (_, line) => Write(log, line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ApiProcess(process, log, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"), logPath);
    }

    /// <summary>Waits until <c>/health/ready</c> answers 200: connected to the cluster, which reads its storage.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The Api exited with code {_process.ExitCode} before it was ready: see {LogPath}.");
            }

            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Probe timed out: the cluster is not answering yet.
            }

            if (deadline.Elapsed > timeout)
            {
                throw new TimeoutException($"The Api was not ready within {timeout.TotalSeconds:F0} s: see {LogPath}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }

    /// <summary>A token from the Api's own <c>token</c> command, signed with <see cref="SigningKey"/>.</summary>
    public static async Task<string> TokenAsync(string role, string? tenant = null)
    {
        var start = NewStartInfo();
        start.ArgumentList.Add(Assembly);
        foreach (var argument in new[] { "token", "--role", role, "--sub", "cluster-tests", "--minutes", "60" })
        {
            start.ArgumentList.Add(argument);
        }

        if (tenant is not null)
        {
            start.ArgumentList.Add("--tenant");
            start.ArgumentList.Add(tenant);
        }

        using var process = Process.Start(start)!;
        var token = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? token.Trim() : throw new InvalidOperationException($"token --role {role} failed: {errors}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _ = SiloProcess.Signal(_process.Id, 15);
            try
            {
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
            catch (TimeoutException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    private static ProcessStartInfo NewStartInfo()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The Api reads appsettings.json from its content root, the working directory.
            WorkingDirectory = Path.GetDirectoryName(Assembly)!,
        };
        start.Environment["Auth__SigningKey"] = SigningKey;
        return start;
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }
}
