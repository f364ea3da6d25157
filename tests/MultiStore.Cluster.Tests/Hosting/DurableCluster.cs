using Microsoft.Extensions.Configuration;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace MultiStore.Cluster.Tests.Hosting;

/// <summary>
/// An in-process cluster wired like a production silo in cluster mode: <c>AddMultiStoreGrains().UseDurableStorage(...)</c>
/// on a real PostgreSQL database. Membership is the test cluster's own (in memory, one per cluster), so two
/// clusters in one process are two independent clusters, which is what the duplicate-activation tests need.
/// </summary>
public sealed class DurableCluster : IAsyncDisposable
{
    public const string Actor = "cluster-test";

    private readonly InProcessTestCluster _cluster;
    private bool _stopped;

    private DurableCluster(InProcessTestCluster cluster, string serviceId)
    {
        _cluster = cluster;
        ServiceId = serviceId;
    }

    public string ServiceId { get; }

    public IClusterClient Client => _cluster.Client;

    /// <summary>Deploys <paramref name="silos"/> silos for <paramref name="serviceId"/> on <paramref name="database"/>.</summary>
    public static async Task<DurableCluster> StartAsync(
        TestDatabase database,
        string serviceId,
        short silos = 2,
        IReadOnlyDictionary<string, string?>? configuration = null)
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ServiceId = serviceId;
        builder.Options.ClusterId = $"c-{Guid.NewGuid():N}"[..12];
        builder.Options.ConfigureFileLogging = false;
        if (configuration is not null)
        {
            builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(configuration));
        }

        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddMultiStoreGrains().UseDurableStorage(new DurableStorageOptions { PostgresConnectionString = database.ConnectionString });
            // A hung call should fail its test quickly rather than after Orleans' default 30 s.
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(20));
            // Orleans refuses reminder periods under a minute unless this floor is lowered (orders' and alerts'
            // reminders in tests that set Reservations:ExpiryReminderPeriod).
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(20)));

        var cluster = builder.Build();
        await cluster.DeployAsync();
        return new DurableCluster(cluster, serviceId);
    }

    /// <summary>Configuration that makes every silo look for due stock entries every <paramref name="interval"/> (10 s in production).</summary>
    public static IReadOnlyDictionary<string, string?> ShortWakeUpScans(TimeSpan interval) =>
        new Dictionary<string, string?> { [$"{ReservationOptions.SectionName}:{nameof(ReservationOptions.WakeUpScanInterval)}"] = interval.ToString("c") };

    /// <summary>A service id nobody else uses.</summary>
    public static string NewServiceId() => $"svc-{Guid.NewGuid():N}";

    public static TenantId NewTenant() => TenantId.Parse($"t-{Guid.NewGuid():N}");

    public static IDisposable ActAs(TenantId tenant) => TenantContext.ForTenant(tenant, Actor);

    public static IDisposable ActAsPlatform() => TenantContext.ForPlatform(Actor);

    public static StockAdjustment SetOnHand(int onHand) => new(null, onHand, 0, "cluster test");

    public IStockGrain Stock(TenantId tenant, string sku, string zone = "main") =>
        Client.GetGrain<IStockGrain>(StockKey(tenant, sku, zone));

    public static string StockKey(TenantId tenant, string sku, string zone = "main") =>
        TenantKey.For(tenant, StockEntryId.Format(sku, zone));

    /// <summary>Stops every silo gracefully (as SIGTERM would) and releases the cluster.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _cluster.StopAllSilosAsync();
        await _cluster.DisposeAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
