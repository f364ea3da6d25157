using Microsoft.Extensions.Diagnostics.HealthChecks;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Platform;

namespace MultiStore.Api.Hosting;

/// <summary>
/// Ready when a grain call that reads grain storage completes (<see cref="IStorageProbeGrain"/>): the API is
/// connected to the cluster (or its embedded silo runs), some silo activates grains, and that silo reaches the
/// database. A cluster client that lost every gateway, or a cluster whose PostgreSQL is down, is not ready.
/// </summary>
public sealed class ClusterHealthCheck(IGrainFactory grains) : IHealthCheck
{
    /// <summary>Longer than a healthy probe ever takes, shorter than an orchestrator's probe timeout.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(4);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await grains.GetGrainByKey<IStorageProbeGrain>(IStorageProbeGrain.Key).ProbeAsync().WaitAsync(ProbeTimeout, cancellationToken);
            return HealthCheckResult.Healthy("The cluster answers and reads grain storage.");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The cluster or its grain storage does not answer.", exception);
        }
    }
}
