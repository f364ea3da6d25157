using Microsoft.Extensions.Options;
using MultiStore.Grains.Hosting;

namespace MultiStore.Api.Hosting;

/// <summary>
/// Connects the API to its grains according to <see cref="OrleansHostingOptions.Mode"/>: a co-hosted silo with
/// in-memory state (embedded), or an Orleans client of a clustered MultiStore that finds its gateways in Redis.
/// </summary>
public static class OrleansHostingExtensions
{
    public const string EmbeddedModeNotice = "Embedded mode: grain state and reminders are kept in memory; nothing is kept after exit.";

    public static WebApplicationBuilder AddMultiStoreOrleans(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OrleansHostingOptions>().BindConfiguration(OrleansHostingOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<OrleansHostingOptions>, OrleansHostingOptionsValidator>();

        var options = builder.Configuration.GetSection(OrleansHostingOptions.SectionName).Get<OrleansHostingOptions>() ?? new OrleansHostingOptions();
        var validation = new OrleansHostingOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(OrleansHostingOptions.SectionName, typeof(OrleansHostingOptions), validation.Failures);
        }

        switch (options.Mode)
        {
            case OrleansMode.Embedded:
                builder.UseOrleans(silo => silo
                    .UseLocalhostClustering(options.SiloPort, options.GatewayPort)
                    .AddMultiStoreGrains()
                    .UseEmbeddedStorage());
                break;

            case OrleansMode.Cluster:
                // The same keys as the silos (ConnectionStrings:Redis, Orleans:ClusterId/ServiceId) plus the client's
                // Orleans:Gateway:* and Orleans:ClientMessaging:*; a missing Redis connection string names its key here.
                var cluster = MultiStoreClusterOptions.From(builder.Configuration);
                builder.UseOrleansClient(client => client.UseRedisCluster(cluster));
                break;
        }

        return builder;
    }
}
