using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Persistence;
using MultiStore.Grains.Stock;
using MultiStore.Grains.Stock.Journal;
using MultiStore.Grains.Stock.Webhooks;
using MultiStore.Grains.Tenancy;
using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;

namespace MultiStore.Grains.Hosting;

/// <summary>Composition of the MultiStore grains, shared by the Silo host, the Api's embedded silo and test clusters.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>The ADO.NET invariant name under which Npgsql registers with Orleans.</summary>
    public const string NpgsqlInvariant = "Npgsql";

    /// <summary>
    /// Adds the grains' services, options (sections <see cref="ReservationOptions.SectionName"/> and
    /// <see cref="AuditOptions.SectionName"/>, the latter validated at start), the tenant
    /// isolation call filter, the <see cref="DeactivateOnFailureCallFilter"/> (memory never outlives a failed write) and
    /// the <see cref="RetrySafeCallFilter"/> for retry-safe calls whose silo left. A
    /// <see cref="TimeProvider"/> registered before this call (a test clock) is kept.
    /// </summary>
    public static ISiloBuilder AddMultiStoreGrains(this ISiloBuilder silo)
    {
        silo.Services.TryAddSingleton(TimeProvider.System);
        silo.Services.TryAddSingleton<ReservationCoalescer>();
        silo.Services.TryAddSingleton(new StockEntryLimits());
        silo.Services.AddOptions<ReservationOptions>().BindConfiguration(ReservationOptions.SectionName);
        silo.Services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.SectionName).ValidateOnStart();
        silo.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AuditOptions>, AuditOptionsValidator>());
        silo.Services.AddWebhookDelivery();
        // Holds of entries that no silo has active still expire: every silo wakes what the journal says is due.
        silo.Services.AddHostedService<StockWakeUpSweeper>();
        silo.AddIncomingGrainCallFilter<TenantIsolationCallFilter>();
        silo.AddIncomingGrainCallFilter<DeactivateOnFailureCallFilter>();
        silo.AddOutgoingGrainCallFilter<RetrySafeCallFilter>();
        return silo;
    }

    /// <summary>Keeps grain state and reminders in memory: the embedded default, which keeps nothing after exit.</summary>
    public static ISiloBuilder UseEmbeddedStorage(this ISiloBuilder silo)
    {
        silo.AddMemoryGrainStorage(StorageNames.Store);
        silo.AddMemoryGrainStorage(StorageNames.Shopping);
        silo.Services.TryAddSingleton<IStockJournal, MemoryStockJournal>();
        silo.UseInMemoryReminderService();
        return silo;
    }

    /// <summary>
    /// Keeps grain state and reminders in PostgreSQL: the ADO.NET grain storage <see cref="StorageNames.Store"/>
    /// (state as plain System.Text.Json, version-fenced writes) and the ADO.NET reminder table, both through one
    /// connection pool; carts and orders (<see cref="StorageNames.Shopping"/>) use the same table through
    /// <see cref="BatchingGrainStorage"/>. Registers <see cref="SchemaMigrator"/>; the schema itself is applied by
    /// <c>Silo migrate</c>, <c>Database:MigrateOnStart</c> or a test fixture, never implicitly here.
    /// </summary>
    public static ISiloBuilder UseDurableStorage(this ISiloBuilder silo, DurableStorageOptions options)
    {
        ThrowIfInvalid(new DurableStorageOptionsValidator().Validate(null, options), options);
        var connectionString = options.PostgresConnectionString!;

        silo.Services.TryAddKeyedSingleton(StorageNames.Store, (_, _) => PostgresDataSource.Create(connectionString));
        silo.Services.TryAddKeyedSingleton(StorageNames.Shopping, (_, _) => PostgresDataSource.Create(connectionString, keyedLookupsOnly: true));
        silo.Services.TryAddSingleton(services => new SchemaMigrator(
            services.GetRequiredKeyedService<NpgsqlDataSource>(StorageNames.Store),
            services.GetRequiredService<ILogger<SchemaMigrator>>()));

        // Stock entries write their own journal (group commit, batched across the silo's entries) instead of
        // whole-state rows; it is partitioned by ServiceId like Orleans' own tables.
        silo.Services.TryAddSingleton<IStockJournal>(services => new PostgresStockJournal(
            services.GetRequiredKeyedService<NpgsqlDataSource>(StorageNames.Store),
            services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            services.GetRequiredService<ILogger<PostgresStockJournal>>()));

        // Chosen before the first production write and never changed afterwards: rows hold readable JSON (no CLR
        // type names, unlike the Newtonsoft default), which a DBA can query and a later version can still read.
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.Services.AddStorageFailureSerialization();

        silo.AddAdoNetGrainStorage(StorageNames.Store, storage => storage.Configure<IServiceProvider>((o, services) =>
        {
            o.Invariant = NpgsqlInvariant;
            o.DataSource = services.GetRequiredKeyedService<NpgsqlDataSource>(StorageNames.Store);
        }));
        // Written by every shopper in a sale: reads and writes of many carts and orders share one round trip.
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Shopping, (services, _) => new BatchingGrainStorage(
            services.GetRequiredKeyedService<NpgsqlDataSource>(StorageNames.Shopping),
            services.GetRequiredService<IOptions<ClusterOptions>>().Value.ServiceId,
            services.GetRequiredService<IGrainStorageSerializer>()));
        silo.UseAdoNetReminderService(reminders => reminders.Configure<IServiceProvider>((o, services) =>
        {
            o.Invariant = NpgsqlInvariant;
            o.DataSource = services.GetRequiredKeyedService<NpgsqlDataSource>(StorageNames.Store);
        }));
        return silo;
    }

    /// <summary>
    /// Joins the cluster named by <paramref name="options"/>: cluster and service ids, endpoints, Redis membership,
    /// MultiStore's <see cref="FailoverTimings"/> (overridable under <see cref="FailoverTimings.MembershipSection"/>)
    /// and the <see cref="MembershipWatchdog"/> that restarts a silo whose membership row was lost.
    /// </summary>
    public static ISiloBuilder UseRedisCluster(this ISiloBuilder silo, MultiStoreClusterOptions options)
    {
        ThrowIfInvalid(new MultiStoreClusterOptionsValidator().Validate(null, options), options);

        silo.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        silo.ConfigureEndpoints(options.AdvertisedAddress, options.SiloPort, options.GatewayPort, listenOnAnyHostAddress: false);
        silo.UseRedisClustering(options.RedisConnectionString!);
        silo.Configure<ClusterMembershipOptions>(FailoverTimings.ApplyTo);
        silo.Services.AddOptions<ClusterMembershipOptions>().BindConfiguration(FailoverTimings.MembershipSection);
        // Redis membership can lose its table (a restart without persistence); Orleans then never recovers by itself.
        silo.AddMembershipWatchdog();

        if (options.UseDistributedGrainDirectory)
        {
#pragma warning disable ORLEANSEXP003 // Experimental in Orleans 10: an explicit opt-in, see docs/durability.md.
            silo.AddDistributedGrainDirectory();
#pragma warning restore ORLEANSEXP003
        }

        return silo;
    }

    private static void ThrowIfInvalid<TOptions>(ValidateOptionsResult result, TOptions options)
    {
        if (result.Failed)
        {
            throw new OptionsValidationException(typeof(TOptions).Name, typeof(TOptions), result.Failures);
        }
    }
}
