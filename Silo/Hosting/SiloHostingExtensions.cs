using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Persistence;
using MultiStore.Silo.Configuration;
using Npgsql;

namespace MultiStore.Silo.Hosting;

/// <summary>Composition of the stand-alone silo process.</summary>
public static class SiloHostingExtensions
{
    /// <summary>The command that applies the schema and exits: <c>dotnet run --project Silo -- migrate</c>.</summary>
    public const string MigrateCommand = "migrate";

    /// <summary>
    /// Time the host gives the silo to stop on SIGTERM: Orleans deactivates its grains (each writes nothing new:
    /// every acknowledged change is already stored), hands its directory ranges over and marks itself Dead in the
    /// membership table, so peers need not detect a crash. 30 s is far more than that takes for thousands of grains.
    /// </summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(30);

    /// <summary>True when the process was started to migrate the database rather than to run a silo.</summary>
    public static bool IsMigrateCommand(string[] args) =>
        args.Length > 0 && string.Equals(args[0], MigrateCommand, StringComparison.OrdinalIgnoreCase);

    /// <summary>Configures the silo for <c>Orleans:Mode</c>: embedded (the default) or cluster.</summary>
    public static HostApplicationBuilder AddMultiStoreSilo(this HostApplicationBuilder builder)
    {
        var silo = SiloOptions.From(builder.Configuration);
        builder.Services.AddSingleton(silo);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        builder.AddSiloHttpEndpoint();
        builder.Services.AddHostedService<ShutdownDeadline>();

        switch (silo.Mode)
        {
            case SiloMode.Embedded:
                var ports = MultiStoreClusterOptions.From(builder.Configuration);
                builder.UseOrleans(orleans => orleans
                    .UseLocalhostClustering(ports.SiloPort, ports.GatewayPort)
                    .AddMultiStoreGrains()
                    .UseEmbeddedStorage());
                break;

            case SiloMode.Cluster:
                var cluster = MultiStoreClusterOptions.From(builder.Configuration);
                var storage = DurableStorageOptions.From(builder.Configuration);
                builder.UseOrleans(orleans => orleans
                    .UseRedisCluster(cluster)
                    .UseKubernetesHostingInPod(builder.Configuration)
                    .AddMultiStoreGrains()
                    .UseDurableStorage(storage));
                break;
        }

        return builder;
    }

    /// <summary>
    /// Health and metrics over HTTP on <c>Health:Port</c> (<see cref="SiloHttpEndpoint"/>). Called before Orleans is
    /// added, so the endpoint starts before the silo joins and stops after it has left.
    /// </summary>
    public static HostApplicationBuilder AddSiloHttpEndpoint(this HostApplicationBuilder builder)
    {
        builder.Services.AddOptions<HealthOptions>().BindConfiguration(HealthOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<HealthOptions>, HealthOptionsValidator>();
        builder.Services.AddHostedService<SiloHttpEndpoint>();
        return builder;
    }

    /// <summary>Runs the silo until SIGTERM or Ctrl+C, first migrating the schema when <c>Database:MigrateOnStart</c> says so.</summary>
    public static async Task<int> RunMultiStoreSiloAsync(this IHost host)
    {
        var silo = host.Services.GetRequiredService<SiloOptions>();
        if (silo.MigrateOnStart)
        {
            if (silo.Mode != SiloMode.Cluster)
            {
                host.Services.GetRequiredService<ILogger<SiloOptions>>().LogWarning(
                    "{Key} is ignored in embedded mode: there is no database", SiloOptions.MigrateOnStartKey);
            }
            else
            {
                await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync();
            }
        }

        await host.RunAsync();
        return 0;
    }

    /// <summary>Applies the schema migrations to <c>ConnectionStrings:Postgres</c> and returns the exit code; starts no silo.</summary>
    public static async Task<int> RunMigrationAsync(this HostApplicationBuilder builder)
    {
        var storage = DurableStorageOptions.From(builder.Configuration);
        var validation = new DurableStorageOptionsValidator().Validate(null, storage);
        if (validation.Failed)
        {
            await Console.Error.WriteLineAsync(validation.FailureMessage);
            return 2;
        }

        builder.Services.AddSingleton(_ => PostgresDataSource.Create(storage.PostgresConnectionString!));
        builder.Services.AddSingleton<SchemaMigrator>();
        using var host = builder.Build();
        var report = await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync();
        Console.WriteLine(
            $"Schema up to date: {report.Applied.Count} applied, {report.AlreadyApplied} already applied, {report.Elapsed.TotalMilliseconds:F0} ms.");
        return 0;
    }

    /// <summary>The configuration minus the command word, so "migrate" is not read as a configuration key.</summary>
    public static string[] HostArguments(string[] args) => IsMigrateCommand(args) ? args[1..] : args;
}
