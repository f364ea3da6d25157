using System.Diagnostics;
using System.Globalization;

namespace MultiStore.Cluster.Tests.Hosting;

/// <summary>PostgreSQL or Redis as <c>scripts/services.sh</c> knows them.</summary>
public enum LocalService
{
    Postgres,
    Redis,
}

/// <summary>
/// A PostgreSQL or Redis of one test's own, started by <c>scripts/services.sh</c> in a temporary directory on free
/// ports, so the test may stop, restart or empty it without disturbing any other test (or anyone else's) that uses
/// the shared services. Deleted at the end.
/// </summary>
public sealed class PrivateServices : IAsyncDisposable
{
    private readonly string _directory;
    private readonly int _postgresPort;
    private readonly int _redisPort;
    private readonly HashSet<LocalService> _started = [];

    private PrivateServices(string directory)
    {
        _directory = directory;
        var ports = SiloProcess.FreePorts(2);
        _postgresPort = ports[0];
        _redisPort = ports[1];
    }

    /// <summary>The private PostgreSQL's database (empty until migrated).</summary>
    public string Postgres => $"Host=127.0.0.1;Port={_postgresPort.ToString(CultureInfo.InvariantCulture)};Username=multistore;Password=multistore;Database=multistore";

    public string Redis => $"127.0.0.1:{_redisPort.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Starts the given services (with Redis persistence on: every write in the append-only file).</summary>
    public static async Task<PrivateServices> StartAsync(params LocalService[] services)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"multistore-services-{Guid.NewGuid():N}");
        var privateServices = new PrivateServices(directory);
        foreach (var service in services)
        {
            await privateServices.UpAsync(service);
        }

        return privateServices;
    }

    /// <summary><c>services.sh up &lt;service&gt;</c>; <paramref name="redisPersistence"/> false starts Redis with nothing to load and nothing kept.</summary>
    public async Task UpAsync(LocalService service, bool redisPersistence = true)
    {
        await RunAsync("up", service, redisPersistence);
        _started.Add(service);
    }

    /// <summary><c>services.sh down &lt;service&gt;</c>: PostgreSQL stops with <c>pg_ctl -m fast</c> (connections cut), Redis with SHUTDOWN.</summary>
    public Task DownAsync(LocalService service) => RunAsync("down", service, redisPersistence: true);

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _started)
        {
            try
            {
                await DownAsync(service);
            }
            catch (InvalidOperationException)
            {
                // Already stopped by the test.
            }
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A server still writing its last log line; the temporary directory goes with the machine.
        }
        catch (UnauthorizedAccessException)
        {
            // Owned by the postgres account in a way root cannot remove mid-flight; same as above.
        }
    }

    private async Task RunAsync(string command, LocalService service, bool redisPersistence)
    {
        var start = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(Artifacts.RepositoryRoot, "scripts", "services.sh"));
        start.ArgumentList.Add(command);
        start.ArgumentList.Add(service == LocalService.Postgres ? "postgres" : "redis");
        start.Environment["MULTISTORE_SERVICES_DIR"] = _directory;
        start.Environment["MULTISTORE_PG_PORT"] = _postgresPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["MULTISTORE_REDIS_PORT"] = _redisPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["MULTISTORE_REDIS_PERSISTENCE"] = redisPersistence ? "yes" : "no";

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"services.sh {command} {service} failed ({process.ExitCode}): {await errors}{await output}");
        }
    }
}
