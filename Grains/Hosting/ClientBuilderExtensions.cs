using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;

namespace MultiStore.Grains.Hosting;

/// <summary>How an out-of-process client (the Api in cluster mode, tools, tests) connects to a clustered MultiStore.</summary>
public static class ClientBuilderExtensions
{
    /// <summary>
    /// Finds the gateways of the cluster named by <paramref name="options"/> through its Redis membership table and
    /// refreshes them and times calls out as <see cref="FailoverTimings"/> says (overridable under
    /// <see cref="FailoverTimings.GatewaySection"/> and <see cref="FailoverTimings.ClientMessagingSection"/>),
    /// keeps trying to connect while the cluster starts (<see cref="ClusterConnectRetryFilter"/>) and retries
    /// retry-safe calls whose silo left (<see cref="RetrySafeCallFilter"/>).
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
        client.Services.AddSingleton<IClientConnectionRetryFilter, ClusterConnectRetryFilter>();
        client.AddOutgoingGrainCallFilter<RetrySafeCallFilter>();
        return client;
    }
}

/// <summary>
/// Keeps the first connection attempt going while the cluster is still coming up (silos and the Api are started
/// together by scripts and orchestrators), for at most <see cref="MaxWait"/>; after that the client's start fails
/// and the host exits, which an orchestrator turns into a restart. Once connected, Orleans itself reconnects to
/// gateways as they come and go; this filter only concerns the start.
/// </summary>
internal sealed partial class ClusterConnectRetryFilter(ILogger<ClusterConnectRetryFilter> logger) : IClientConnectionRetryFilter
{
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);
    private readonly Stopwatch _waiting = new();

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        _waiting.Start();
        if (_waiting.Elapsed >= MaxWait)
        {
            LogGaveUp(logger, MaxWait.TotalSeconds, exception.Message);
            return false;
        }

        LogRetry(logger, _waiting.Elapsed.TotalSeconds, exception.GetType().Name, exception.Message);
        await Task.Delay(Pause, cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "No gateway of the cluster answers yet ({Waited:F0} s): {ExceptionType}: {Reason}; retrying")]
    private static partial void LogRetry(ILogger logger, double waited, string exceptionType, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not connect to the cluster within {MaxWait:F0} s: {Reason}")]
    private static partial void LogGaveUp(ILogger logger, double maxWait, string reason);
}
