using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace MultiStore.Grains.Hosting;

/// <summary>How an out-of-process client (the Api in cluster mode, tools, tests) connects to a clustered MultiStore.</summary>
public static class ClientBuilderExtensions
{
    /// <summary>
    /// Finds the gateways of the cluster named by <paramref name="options"/> through its Redis membership table and
    /// refreshes them and times calls out as <see cref="FailoverTimings"/> says (overridable under
    /// <see cref="FailoverTimings.GatewaySection"/> and <see cref="FailoverTimings.ClientMessagingSection"/>).
    /// Ports and <see cref="MultiStoreClusterOptions.AdvertisedIP"/> are silo settings and are ignored here.
    /// </summary>
    public static IClientBuilder UseRedisCluster(this IClientBuilder client, MultiStoreClusterOptions options)
    {
        var validation = new MultiStoreClusterOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(nameof(MultiStoreClusterOptions), typeof(MultiStoreClusterOptions), validation.Failures);
        }

        client.Configure<ClusterOptions>(o =>
        {
            o.ClusterId = options.ClusterId;
            o.ServiceId = options.ServiceId;
        });
        client.UseRedisClustering(options.RedisConnectionString!);
        client.Configure<GatewayOptions>(FailoverTimings.ApplyTo);
        client.Services.AddOptions<GatewayOptions>().BindConfiguration(FailoverTimings.GatewaySection);
        client.Configure<ClientMessagingOptions>(FailoverTimings.ApplyTo);
        client.Services.AddOptions<ClientMessagingOptions>().BindConfiguration(FailoverTimings.ClientMessagingSection);
        return client;
    }
}
