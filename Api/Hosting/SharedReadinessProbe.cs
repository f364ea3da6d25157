using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace MultiStore.Api.Hosting;

/// <summary>
/// One readiness probe for every check that asks while it runs, and its healthy answer kept for <see cref="Reuse"/>.
/// Why: <c>/health/ready</c> is public (the Ingress routes every path of a store's host), no rate limit applies to
/// it, and each probe reads PostgreSQL, so a flood of probes must not become a flood of reads. An unhealthy answer is
/// not kept, so a recovery shows at the next check.
/// </summary>
public sealed class SharedReadinessProbe(Func<Task<HealthCheckResult>> probe, TimeProvider time)
{
    /// <summary>How long a healthy answer stands for every check (well under any orchestrator's probe period).</summary>
    public static readonly TimeSpan Reuse = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private Task<HealthCheckResult>? _latest;
    private long _startedAt;

    /// <summary>The probe running now, the healthy answer of one started less than <see cref="Reuse"/> ago, or a new probe.</summary>
    public Task<HealthCheckResult> CheckAsync()
    {
        lock (_gate)
        {
            if (_latest is not { } latest || (latest.IsCompleted && !Stands(latest)))
            {
                _startedAt = time.GetTimestamp();
                _latest = probe();
            }

            return _latest;
        }
    }

    private bool Stands(Task<HealthCheckResult> answered) =>
        answered.IsCompletedSuccessfully && answered.Result.Status == HealthStatus.Healthy && time.GetElapsedTime(_startedAt) < Reuse;
}
