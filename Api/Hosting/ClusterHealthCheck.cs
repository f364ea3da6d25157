using Microsoft.Extensions.Diagnostics.HealthChecks;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Platform;

namespace MultiStore.Api.Hosting;

/// <summary>
/// Ready when a grain call that reads grain storage completes (<see cref="IStorageProbeGrain"/>): the API is
/// connected to the cluster (or its embedded silo runs), some silo activates grains, and that silo reaches the
/// database. A cluster client that lost every gateway, or a cluster whose PostgreSQL is down, is not ready. Checks
/// share their probes (<see cref="SharedReadinessProbe"/>); the check is a singleton for that.
/// </summary>
public sealed class ClusterHealthCheck : IHealthCheck
{
    /// <summary>Longer than a healthy probe ever takes, shorter than an orchestrator's probe timeout.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(4);

    private readonly SharedReadinessProbe _probe;

    public ClusterHealthCheck(IGrainFactory grains, TimeProvider time) => _probe = new SharedReadinessProbe(() => ProbeAsync(grains), time);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        _probe.CheckAsync().WaitAsync(cancellationToken);

    private static async Task<HealthCheckResult> ProbeAsync(IGrainFactory grains)
    {
        try
        {
            await grains.GetGrainByKey<IStorageProbeGrain>(IStorageProbeGrain.Key).ProbeAsync().WaitAsync(ProbeTimeout);
            return HealthCheckResult.Healthy("The cluster answers and reads grain storage.");
        }
        catch (Exception exception)
        {
            return HealthCheckResult.Unhealthy("The cluster or its grain storage does not answer.", exception);
        }
    }
}
