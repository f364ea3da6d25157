using MultiStore.Cluster.Tests.Hosting;
using Xunit.Abstractions;

namespace MultiStore.Cluster.Tests.Failover;

/// <summary>
/// Three silo processes and the Api process on loopback, 200 shoppers reserving one hot SKU over HTTP, and one
/// silo lost mid-load: killed (kill -9) or stopped (SIGTERM). The silo lost is the one hosting the hot SKU.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class SiloFailoverTests(ITestOutputHelper output)
{
    /// <summary>The bound on how long the store may look down after a silo dies.</summary>
    private static readonly TimeSpan FailoverBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task SetCartLine_WhenTheHotSkusSiloIsKilled_ServesAgainWithinFiveSecondsWith503sMeanwhile()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var cluster = await LocalCluster.StartAsync(
            output, nameof(SetCartLine_WhenTheHotSkusSiloIsKilled_ServesAgainWithinFiveSecondsWith503sMeanwhile),
            ClusterSettings.New(database.ConnectionString, TestServices.Redis));
        var store = await cluster.CreateStoreAsync(onHand: 1_000_000);
        var victim = await cluster.HostOfHotSkuAsync(store);

        var load = ShopperLoad.Start(cluster, store);
        await Task.Delay(ShopperLoad.WarmUp);
        var killedAt = cluster.Clock.Elapsed;
        victim.Kill();
        await Task.Delay(TimeSpan.FromSeconds(8));
        var result = await load.StopAsync();

        output.WriteLine(result.Summarize(killedAt, $"kill -9 of silo {victim.Index} (hot SKU)"));
        Assert.Empty(result.Improper.Select(attempt => $"{attempt.Status} {attempt.ContentType} Retry-After={attempt.RetryAfter} {attempt.Error}").Distinct());
        var gap = result.LongestGapAfter(killedAt);
        Assert.True(gap <= FailoverBound,
            $"After kill -9 the store went {gap.TotalSeconds:F2} s without acknowledging anything (bound: {FailoverBound.TotalSeconds} s). " +
            "Membership settings: Grains/Hosting/FailoverTimings.cs; client response timeout: Orleans:ClientMessaging:ResponseTimeout.");
        await Acknowledgements.AssertAllKeptAsync(cluster, store, result);
    }

    [Fact]
    public async Task SetCartLine_WhenTheHotSkusSiloIsStoppedGracefully_FailsNoRequest()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var cluster = await LocalCluster.StartAsync(
            output, nameof(SetCartLine_WhenTheHotSkusSiloIsStoppedGracefully_FailsNoRequest),
            ClusterSettings.New(database.ConnectionString, TestServices.Redis));
        var store = await cluster.CreateStoreAsync(onHand: 1_000_000);
        var victim = await cluster.HostOfHotSkuAsync(store);

        var load = ShopperLoad.Start(cluster, store);
        await Task.Delay(ShopperLoad.WarmUp);
        var stoppedAt = cluster.Clock.Elapsed;
        await victim.StopAsync(TimeSpan.FromSeconds(40));
        var stopTook = cluster.Clock.Elapsed - stoppedAt;
        await Task.Delay(TimeSpan.FromSeconds(4));
        var result = await load.StopAsync();

        output.WriteLine($"SIGTERM to exit: {stopTook.TotalSeconds:F1} s, exit code {victim.ExitCode}. " +
                         result.Summarize(stoppedAt, $"SIGTERM of silo {victim.Index} (hot SKU)"));
        Assert.Equal(0, victim.ExitCode);
        Assert.Empty(result.Failed.Select(attempt => $"{attempt.Status} {attempt.ProblemCode} {attempt.Error}").Distinct());
        await Acknowledgements.AssertAllKeptAsync(cluster, store, result);
    }
}
