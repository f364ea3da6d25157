using MultiStore.Cluster.Tests.Hosting;
using Xunit.Abstractions;

namespace MultiStore.Cluster.Tests.Failover;

/// <summary>PostgreSQL, the system of record, goes away under load and comes back.</summary>
[Collection(ProcessCollection.Name)]
public sealed class StorageOutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Downtime = TimeSpan.FromSeconds(3);

    /// <summary>From PostgreSQL answering again to the store acknowledging again (connection pools must notice the restart).</summary>
    private static readonly TimeSpan RecoveryBound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task SetCartLine_WhilePostgresRestarts_Answers503ThenRecoversAndKeepsEveryAcknowledgement()
    {
        // PostgreSQL of its own: stopping the shared one would fail every other test that runs meanwhile.
        await using var services = await PrivateServices.StartAsync(LocalService.Postgres);
        await using var cluster = await LocalCluster.StartAsync(
            output, nameof(SetCartLine_WhilePostgresRestarts_Answers503ThenRecoversAndKeepsEveryAcknowledgement),
            ClusterSettings.New(services.Postgres, TestServices.Redis));
        var store = await cluster.CreateStoreAsync(onHand: 1_000_000);

        var load = ShopperLoad.Start(cluster, store);
        await Task.Delay(ShopperLoad.WarmUp);
        var stoppedAt = cluster.Clock.Elapsed;
        await services.DownAsync(LocalService.Postgres);
        var downAt = cluster.Clock.Elapsed;
        await Task.Delay(Downtime);
        await services.UpAsync(LocalService.Postgres);
        var upAt = cluster.Clock.Elapsed;
        await Task.Delay(TimeSpan.FromSeconds(6));
        var result = await load.StopAsync();

        var firstAfter = result.Acknowledged.Select(attempt => attempt.EndedAt).Where(time => time > upAt).DefaultIfEmpty(TimeSpan.MaxValue).Min();
        var during = result.Attempts.Where(attempt => attempt.EndedAt > downAt && attempt.EndedAt < upAt).ToList();
        output.WriteLine($"PostgreSQL stopped in {(downAt - stoppedAt).TotalSeconds:F1} s, down {(upAt - downAt).TotalSeconds:F1} s; " +
                         $"first acknowledgement {(firstAfter == TimeSpan.MaxValue ? "never" : $"{(firstAfter - upAt).TotalSeconds:F2} s")} after it was back; " +
                         $"while down: {during.Count(a => a.Status == 503)} × 503, {during.Count(a => a.Acknowledged)} × 200. " +
                         result.Summarize(stoppedAt, "PostgreSQL restart"));

        Assert.Empty(result.Improper.Select(attempt => $"{attempt.Status} {attempt.ContentType} Retry-After={attempt.RetryAfter} {attempt.Error}").Distinct());
        Assert.True(during.Count(attempt => attempt.Status == 503) > 0, "No 503 while PostgreSQL was down: the outage was not observed.");
        Assert.True(firstAfter - upAt <= RecoveryBound, $"Nothing acknowledged within {RecoveryBound.TotalSeconds} s of PostgreSQL answering again.");
        await Acknowledgements.AssertAllKeptAsync(cluster, store, result);
    }
}
