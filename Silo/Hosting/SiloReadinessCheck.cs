using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace MultiStore.Silo.Hosting;

/// <summary>
/// Ready when this silo is <see cref="SiloStatus.Active"/> in the cluster (joined, not yet shutting down) and, in
/// cluster mode, PostgreSQL answers a trivial query. An orchestrator that waits for it before stopping the next
/// silo of a rolling upgrade never has two silos joining or leaving at once.
/// </summary>
public sealed class SiloReadinessCheck(ISiloStatusOracle silo, NpgsqlDataSource? storage) : IHealthCheck
{
    /// <summary>How long the storage query may take; shorter than the probes' timeout, so a hung database reads as "not ready".</summary>
    public static readonly TimeSpan StorageTimeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = silo.CurrentStatus;
        if (status != SiloStatus.Active)
        {
            return HealthCheckResult.Unhealthy($"The silo is {status}, not Active in the cluster.");
        }

        if (storage is null)
        {
            return HealthCheckResult.Healthy("The silo is Active (embedded: no database).");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StorageTimeout);
        try
        {
            await using var command = storage.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(timeout.Token);
            return HealthCheckResult.Healthy("The silo is Active and PostgreSQL answers.");
        }
        catch (Exception exception) when (exception is NpgsqlException or OperationCanceledException or TimeoutException
                                          && !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("The silo is Active but PostgreSQL does not answer.", exception);
        }
    }
}
