using MultiStore.Cluster.Tests.Hosting;
using MultiStore.Grains.Hosting;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace MultiStore.Cluster.Tests.Failover;

/// <summary>
/// Redis, which holds only the membership table, restarts under load. The request path never touches Redis, so
/// the cluster keeps serving; what matters is whether membership survives or recovers.
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class MembershipOutageTests(ITestOutputHelper output)
{
    /// <summary>Detection (3 checks a second apart) + process start + join + the Api finding the new gateways, with room for a busy box.</summary>
    private static readonly TimeSpan RejoinBound = TimeSpan.FromSeconds(30);

    /// <summary>
    /// "Keeps serving": acknowledgements never stop for longer than this. Not "fails nothing": nothing on the request
    /// path waits for Redis, so a failure here is a 3 s client timeout on a starved machine, not the restart.
    /// </summary>
    private static readonly TimeSpan ServingGapBound = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task SetCartLine_WhenRedisRestartsWithPersistence_KeepsServingAndKeepsItsMembers()
    {
        await using var services = await PrivateServices.StartAsync(LocalService.Redis);
        await using var database = await TestDatabase.CreateAsync();
        var settings = ClusterSettings.New(database.ConnectionString, services.Redis);
        await using var cluster = await LocalCluster.StartAsync(
            output, nameof(SetCartLine_WhenRedisRestartsWithPersistence_KeepsServingAndKeepsItsMembers), settings);
        var store = await cluster.CreateStoreAsync(onHand: 1_000_000);
        var before = await MembersAsync(services, settings);

        var load = ShopperLoad.Start(cluster, store);
        await Task.Delay(ShopperLoad.WarmUp);
        var restartedAt = cluster.Clock.Elapsed;
        await services.DownAsync(LocalService.Redis);
        await services.UpAsync(LocalService.Redis);
        var upAt = cluster.Clock.Elapsed;
        // Longer than the watchdog would need to act (3 checks a second apart) and than a table refresh (5 s).
        await Task.Delay(TimeSpan.FromSeconds(6));
        var result = await load.StopAsync();
        var after = await MembersAsync(services, settings);

        output.WriteLine($"Redis restarted in {(upAt - restartedAt).TotalSeconds:F2} s; members before: {before.Count}, after: {after.Count}. " +
                         result.Summarize(restartedAt, "Redis restart (append-only file)"));
        Assert.Empty(result.Improper.Select(attempt => $"{attempt.Status} {attempt.ContentType} Retry-After={attempt.RetryAfter} {attempt.Error}").Distinct());
        Assert.True(result.LongestGapAfter(restartedAt) <= ServingGapBound,
            $"The store went {result.LongestGapAfter(restartedAt).TotalSeconds:F2} s without acknowledging anything across a Redis restart.");
        Assert.Equal(before, after);
        Assert.All(cluster.Silos, silo => Assert.False(silo.HasExited));
        await Acknowledgements.AssertAllKeptAsync(cluster, store, result);
    }

    [Fact]
    public async Task SetCartLine_WhenRedisRestartsEmpty_SilosRejoinOnceAndServiceRecovers()
    {
        await using var services = await PrivateServices.StartAsync(LocalService.Redis);
        await using var database = await TestDatabase.CreateAsync();
        var settings = ClusterSettings.New(database.ConnectionString, services.Redis);
        await using var cluster = await LocalCluster.StartAsync(
            output, nameof(SetCartLine_WhenRedisRestartsEmpty_SilosRejoinOnceAndServiceRecovers), settings);
        // The orchestrator's part: a silo that exits is started again a second later.
        cluster.SuperviseSilos(TimeSpan.FromSeconds(1));
        var store = await cluster.CreateStoreAsync(onHand: 1_000_000);

        var load = ShopperLoad.Start(cluster, store);
        await Task.Delay(ShopperLoad.WarmUp);
        var wipedAt = cluster.Clock.Elapsed;
        await services.DownAsync(LocalService.Redis);
        await services.UpAsync(LocalService.Redis, redisPersistence: false);
        var members = await WaitForMembersAsync(services, settings, count: 3, RejoinBound);
        var rejoinedAt = cluster.Clock.Elapsed;
        await cluster.Api.WaitUntilReadyAsync(RejoinBound);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var result = await load.StopAsync();

        output.WriteLine($"Redis emptied at {wipedAt.TotalSeconds:F1} s; membership rebuilt {(rejoinedAt - wipedAt).TotalSeconds:F1} s later with {members.Count} active silos. " +
                         string.Join("; ", cluster.Events) + ". " + result.Summarize(wipedAt, "Redis restart without persistence"));
        var exits = cluster.Events.Where(line => line.Contains("exited", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, exits.Count);
        Assert.All(exits, line => Assert.EndsWith($"code {MembershipWatchdog.MembershipLostExitCode}", line));
        Assert.Equal(3, members.Count);
        Assert.Empty(result.Improper.Select(attempt => $"{attempt.Status} {attempt.ContentType} Retry-After={attempt.RetryAfter} {attempt.Error}").Distinct());
        Assert.True(result.LongestGapAfter(wipedAt) <= RejoinBound, $"The store went {result.LongestGapAfter(wipedAt).TotalSeconds:F1} s without acknowledging anything.");
        await Acknowledgements.AssertAllKeptAsync(cluster, store, result);
    }

    /// <summary>The silos the Redis membership table lists as active (status 3), by address.</summary>
    private static async Task<IReadOnlyList<string>> MembersAsync(PrivateServices services, ClusterSettings settings)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(services.Redis);
        var rows = await redis.GetDatabase().HashGetAllAsync($"{settings.ServiceId}/members/{settings.ClusterId}");
        return [.. rows
            .Where(row => row.Name != "Version" && row.Value.ToString().Contains("\"Status\":3", StringComparison.Ordinal))
            .Select(row => row.Name.ToString())
            .Order(StringComparer.Ordinal)];
    }

    private static async Task<IReadOnlyList<string>> WaitForMembersAsync(PrivateServices services, ClusterSettings settings, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var members = await MembersAsync(services, settings);
            if (members.Count >= count || DateTime.UtcNow > deadline)
            {
                return members;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250));
        }
    }
}
