using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Persistence;
using MultiStore.Grains.Stock;
using MultiStore.Grains.Stock.Journal;
using Npgsql;
using Xunit.Abstractions;

namespace MultiStore.Cluster.Tests.Hosting;

/// <summary>A store made for one test: its host name and one hot SKU in zone <c>main</c>.</summary>
public sealed record TestStore(string TenantId, string Host, string Sku, int OnHand)
{
    public const string Zone = "main";

    /// <summary>The stock entry's grain key (and journal stream).</summary>
    public string StockKey => TenantKey.For(Grains.Interfaces.Tenancy.TenantId.Parse(TenantId), StockEntryId.Format(Sku, Zone));
}

/// <summary>
/// MultiStore as production runs it, on loopback: N silo processes and the Api process in cluster mode, wired by
/// configuration only (the same environment variables scripts/cluster-up.sh sets). The test drives it over HTTP;
/// a cluster client of its own only asks where a grain lives (to kill the right silo) and PostgreSQL is read
/// directly to check what was stored. Silos that exit can be started again, as an orchestrator would.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    private readonly ITestOutputHelper _output;
    private readonly string _runDirectory;
    private readonly SiloProcess?[] _silos;
    private readonly IHost _client;
    private readonly NpgsqlDataSource _database;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentQueue<string> _events = new();
    private readonly IReadOnlyDictionary<string, string>? _siloSettings;
    private Task? _supervisor;

    private LocalCluster(
        ITestOutputHelper output, string runDirectory, ClusterSettings settings, SiloProcess[] silos, ApiProcess api,
        IHost client, NpgsqlDataSource database, IReadOnlyDictionary<string, string>? siloSettings)
    {
        _output = output;
        _runDirectory = runDirectory;
        Settings = settings;
        _silos = silos;
        Api = api;
        _client = client;
        _database = database;
        _siloSettings = siloSettings;
        Http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = api.BaseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public ClusterSettings Settings { get; }

    public ApiProcess Api { get; }

    /// <summary>One client for every request of the test (shoppers share its connection pool, as a load balancer would).</summary>
    public HttpClient Http { get; }

    /// <summary>The test's clock: every attempt and incident is timed on it.</summary>
    public Stopwatch Clock { get; } = Stopwatch.StartNew();

    /// <summary>The silos that run now (a slot whose process exited and was not restarted is left out).</summary>
    public IReadOnlyList<SiloProcess> Silos => [.. _silos.OfType<SiloProcess>().Where(silo => !silo.HasExited)];

    /// <summary>Silo exits and restarts, with their times on <see cref="Clock"/>.</summary>
    public IReadOnlyCollection<string> Events => _events;

    private IClusterClient Client => _client.Services.GetRequiredService<IClusterClient>();

    /// <summary>
    /// Migrates the database, starts <paramref name="silos"/> silos and the Api together (the Api's client waits for
    /// the gateways) and returns once the Api's readiness probe passes.
    /// </summary>
    public static async Task<LocalCluster> StartAsync(
        ITestOutputHelper output,
        string testName,
        ClusterSettings settings,
        int silos = 3,
        IReadOnlyDictionary<string, string>? siloSettings = null,
        IReadOnlyDictionary<string, string>? apiSettings = null)
    {
        var started = Stopwatch.StartNew();
        var database = PostgresDataSource.Create(settings.Postgres);
        await new SchemaMigrator(database, NullLogger<SchemaMigrator>.Instance).MigrateAsync();

        var runDirectory = Artifacts.RunDirectory(testName);
        if (Directory.Exists(runDirectory))
        {
            Directory.Delete(runDirectory, recursive: true);
        }

        var migrated = started.Elapsed;
        var ports = SiloProcess.FreePorts(1 + (2 * silos));
        var api = ApiProcess.Start(runDirectory, ports[0], settings, apiSettings);
        var starting = Enumerable.Range(1, silos)
            .Select(i => SiloProcess.StartAsync(runDirectory, i, (ports[(2 * i) - 1], ports[2 * i]), settings, siloSettings))
            .ToList();
        SiloProcess[] siloProcesses;
        TimeSpan silosUp;
        try
        {
            siloProcesses = await Task.WhenAll(starting);
            silosUp = started.Elapsed;
            await api.WaitUntilReadyAsync(TimeSpan.FromSeconds(90));
        }
        catch
        {
            // Whatever did start must not outlive the failed test.
            await api.DisposeAsync();
            foreach (var silo in starting.Where(start => start.IsCompletedSuccessfully))
            {
                await silo.Result.DisposeAsync();
            }

            await database.DisposeAsync();
            throw;
        }

        var apiReady = started.Elapsed;

        var builder = Host.CreateApplicationBuilder();
        // Its warnings (connections reset by a killed silo) are the incident itself, already measured over HTTP.
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client.UseRedisCluster(new MultiStoreClusterOptions
        {
            ClusterId = settings.ClusterId,
            ServiceId = settings.ServiceId,
            RedisConnectionString = settings.Redis,
        }));
        var client = builder.Build();
        await client.StartAsync();

        output.WriteLine($"{silos} silos and the Api up in {started.Elapsed.TotalSeconds:F1} s (schema {migrated.TotalSeconds:F1} s, " +
                         $"silos {silosUp.TotalSeconds:F1} s, Api ready {apiReady.TotalSeconds:F1} s; logs: {runDirectory}).");
        return new LocalCluster(output, runDirectory, settings, siloProcesses, api, client, database, siloSettings);
    }

    /// <summary>
    /// Starts a silo again, on its old ports, whenever its process exits (after <paramref name="delay"/>), as
    /// Kubernetes does for a crashed container. Off by default, so a test that kills a silo measures the
    /// failover without a replacement joining in the middle of it.
    /// </summary>
    public void SuperviseSilos(TimeSpan delay)
    {
        _supervisor ??= Task.WhenAll(Enumerable.Range(0, _silos.Length).Select(slot => Task.Run(async () =>
        {
            while (_silos[slot] is { } silo)
            {
                try
                {
                    await silo.Exited.WaitAsync(_stopping.Token);
                    var exitedAt = Clock.Elapsed - (DateTime.UtcNow - (silo.ExitedAtUtc ?? DateTime.UtcNow));
                    _events.Enqueue($"{exitedAt.TotalSeconds:F1} s: silo {silo.Index} exited with code {silo.ExitCode}");
                    await Task.Delay(delay, _stopping.Token);
                    _silos[slot] = await SiloProcess.RestartAsync(_runDirectory, silo, Settings, _siloSettings);
                    _events.Enqueue($"{Clock.Elapsed.TotalSeconds:F1} s: silo {silo.Index} started again (generation {silo.Generation + 1})");
                    await silo.DisposeAsync();
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        })));
    }

    /// <summary>The silo process that hosts the store's hot SKU (the one whose loss hurts most).</summary>
    public async Task<SiloProcess> HostOfHotSkuAsync(TestStore store)
    {
        var address = await Client.GetGrain<IManagementGrain>(0).GetActivationAddress(Client.GetGrain<IStockGrain>(store.StockKey));
        return Silos.Single(silo => silo.SiloPort == address!.Endpoint.Port);
    }

    /// <summary>Onboards a store of its own through the Api and stocks its hot SKU.</summary>
    public async Task<TestStore> CreateStoreAsync(int onHand, string sku = "HOT-1")
    {
        var tenant = $"t{Guid.NewGuid():N}"[..16];
        var store = new TestStore(tenant, $"{tenant}.localhost", sku, onHand);

        using var create = new HttpRequestMessage(HttpMethod.Post, "platform/tenants")
        {
            Content = JsonContent.Create(new { id = tenant, name = "Cluster test store", domains = new[] { store.Host } }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await ApiProcess.TokenAsync("platform-operator"));
        await ExpectSuccessAsync(await Http.SendAsync(create));

        using var stock = new HttpRequestMessage(HttpMethod.Put, $"admin/stock/{sku}/{TestStore.Zone}")
        {
            Content = JsonContent.Create(new { onHand }),
        };
        stock.Headers.Host = store.Host;
        stock.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await ApiProcess.TokenAsync("owner", tenant));
        await ExpectSuccessAsync(await Http.SendAsync(stock));
        return store;
    }

    /// <summary>The hot SKU's state as its journal in PostgreSQL adds up (what an activation would load).</summary>
    public async Task<StockSnapshot> StoredStockAsync(TestStore store)
    {
        // Pooled connections from before a PostgreSQL restart are dead; start from fresh ones.
        _database.Clear();
        await using var journal = new PostgresStockJournal(_database, Settings.ServiceId, NullLogger<PostgresStockJournal>.Instance);
        return (await journal.LoadAsync(store.StockKey)).ToState();
    }

    /// <summary>The hot SKU's whole ledger as PostgreSQL holds it, newest first.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> StoredLedgerAsync(TestStore store)
    {
        _database.Clear();
        await using var journal = new PostgresStockJournal(_database, Settings.ServiceId, NullLogger<PostgresStockJournal>.Instance);
        return await journal.ReadLedgerAsync(store.StockKey, before: null, take: int.MaxValue);
    }

    /// <summary>Every stored cart of the store with the reservation id of its line for the hot SKU (null: no such line).</summary>
    public async Task<IReadOnlyDictionary<string, string?>> StoredCartLinesAsync(TestStore store)
    {
        _database.Clear();
        await using var command = _database.CreateCommand(
            "SELECT grain_key, convert_from(payload, 'UTF8') FROM multistore_grain_state " +
            "WHERE service_id = @service AND grain_type = 'cart' AND grain_key LIKE @prefix");
        command.Parameters.AddWithValue("service", Settings.ServiceId);
        command.Parameters.AddWithValue("prefix", store.TenantId + "/%");
        var carts = new Dictionary<string, string?>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var cartId = TenantKey.Parse(reader.GetString(0)).EntityId;
            using var json = JsonDocument.Parse(reader.GetString(1));
            carts[cartId] = json.RootElement.TryGetProperty("Lines", out var lines) && lines.TryGetProperty(store.Sku, out var line)
                ? line.GetProperty("ReservationId").GetString()
                : null;
        }

        return carts;
    }

    /// <summary>Starts any silo that is not running again and waits until the Api is ready (the end of an incident).</summary>
    public async Task RestoreAsync()
    {
        for (var slot = 0; slot < _silos.Length; slot++)
        {
            if (_silos[slot] is { HasExited: true } exited)
            {
                _silos[slot] = await SiloProcess.RestartAsync(_runDirectory, exited, Settings, _siloSettings);
                await exited.DisposeAsync();
            }
        }

        await Api.WaitUntilReadyAsync(TimeSpan.FromSeconds(60));
    }

    public void Report(string line) => _output.WriteLine(line);

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_supervisor is not null)
        {
            try
            {
                await _supervisor.WaitAsync(TimeSpan.FromSeconds(90));
            }
            catch (Exception error) when (error is TimeoutException or InvalidOperationException)
            {
                _output.WriteLine($"Silo supervisor ended with {error.GetType().Name}: {error.Message}");
            }
        }

        foreach (var line in _events)
        {
            _output.WriteLine(line);
        }

        Http.Dispose();
        await Api.DisposeAsync();
        try
        {
            await _client.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token);
        }
        catch (OperationCanceledException)
        {
            // The cluster may already be gone; the client is disposed either way.
        }

        _client.Dispose();
        // In parallel, and with SIGKILL: the test is over and its data checked; graceful stops are tested on their own.
        await Task.WhenAll(_silos.OfType<SiloProcess>().Select(silo => silo.DisposeAsync().AsTask()));
        await _database.DisposeAsync();
        _stopping.Dispose();
    }

    private static async Task ExpectSuccessAsync(HttpResponseMessage response)
    {
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException(
                    $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
    }
}
