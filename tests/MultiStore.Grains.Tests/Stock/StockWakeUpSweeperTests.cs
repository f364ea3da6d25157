using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Stock;
using MultiStore.Grains.Stock.Journal;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// The sweeper's capacity and fairness: it keeps sweeping while a sweep is full, a wake that fails moves its row back
/// instead of heading every sweep, and silos split the rows between them. Each test sweeps with a sweeper of its own
/// on the cluster's first silo (small sweeps, so a few hundred rows are "more than one sweep") and never moves the
/// clock, so the silos' own sweepers stay asleep. Rows are written straight to the journal: an entry with one empty
/// batch, due, which a wake sets right with a batch of its own.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StockWakeUpSweeperTests(ClusterFixture cluster)
{
    private const int PerSweep = 100;
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    [Fact]
    public async Task SweepIntervalAsync_MoreDueThanOneSweepTakes_WakesThemAllInOneInterval()
    {
        var streams = await DueStreamsAsync(PerSweep * 5 / 2, cluster.Now.AddMinutes(-1));

        await Sweeper().SweepIntervalAsync(WakeUpShare.All, CancellationToken.None);

        Assert.Empty(await StillDueAsync(streams));
    }

    [Fact]
    public async Task SweepIntervalAsync_EntriesThatCannotBeWoken_DoNotHoldUpTheOthers()
    {
        // More rows that can never wake (not an entry's key) than one sweep takes, all due before the good ones.
        var broken = Enumerable.Range(0, PerSweep * 3 / 2).Select(i => $"not-a-key-{Guid.NewGuid():N}").ToList();
        foreach (var stream in broken)
        {
            await WriteWakeUpAsync(stream, 1, cluster.Now.AddMinutes(-10));
        }

        try
        {
            var good = await DueStreamsAsync(20, cluster.Now.AddMinutes(-1));
            var sweeper = Sweeper();

            await sweeper.SweepIntervalAsync(WakeUpShare.All, CancellationToken.None);

            Assert.Empty(await StillDueAsync(good));
            // Each failed wake comes back one interval later, counted once.
            Assert.Empty(await StillDueAsync(broken));
            var retry = cluster.Now + new ReservationOptions().WakeUpScanInterval;
            var again = (await cluster.Journal.DueAsync(retry, int.MaxValue)).Where(due => broken.Contains(due.Stream)).ToList();
            Assert.Equal(broken.Order(), again.Select(due => due.Stream).Order());
            Assert.All(again, due => Assert.Equal(1, due.Failures));
        }
        finally
        {
            // Leave nothing the silos' sweepers would keep failing on in later tests.
            foreach (var stream in broken)
            {
                await WriteWakeUpAsync(stream, 2, null);
            }
        }
    }

    [Fact]
    public async Task SweepIntervalAsync_EntriesWhoseWakeLeavesThemDue_AreWokenOnceAnInterval()
    {
        // Active entries that know their own wake-up time, whose rows say due all the same (here written behind their
        // back; in production a sweeper's clock a little ahead of the entry's): a wake succeeds and writes nothing.
        var streams = await DueStreamsAsync(PerSweep, cluster.Now.AddMinutes(-1));
        await Sweeper().SweepIntervalAsync(WakeUpShare.All, CancellationToken.None);
        foreach (var stream in streams)
        {
            await WriteWakeUpAsync(stream, 3, cluster.Now.AddMinutes(-1));
        }

        try
        {
            var tried = await Sweeper().SweepIntervalAsync(WakeUpShare.All, CancellationToken.None);

            Assert.Equal(PerSweep, tried);
            Assert.Equal(streams.Order(), (await StillDueAsync(streams)).Order());
        }
        finally
        {
            foreach (var stream in streams)
            {
                await WriteWakeUpAsync(stream, 4, null);
            }
        }
    }

    [Fact]
    public void RetryDelay_GrowsFromOneIntervalAndStopsAtTheMost()
    {
        var sweeper = Sweeper();
        var interval = new ReservationOptions().WakeUpScanInterval;

        Assert.Equal([interval, 2 * interval, 4 * interval], [sweeper.RetryDelay(1), sweeper.RetryDelay(2), sweeper.RetryDelay(3)]);
        Assert.Equal(StockWakeUpSweeper.MostRetryDelay, sweeper.RetryDelay(40));
    }

    [Fact]
    public async Task SweepIntervalAsync_OfTwoShares_EachWakesItsOwnEntriesAndTogetherAll()
    {
        // Due a moment ago: well within the grace after which any silo wakes another's rows.
        var streams = await DueStreamsAsync(60, cluster.Now.AddSeconds(-1));
        var first = await MineAsync(streams, new WakeUpShare(0, 2));
        var second = await MineAsync(streams, new WakeUpShare(1, 2));
        Assert.Empty(first.Intersect(second));
        Assert.Equal(streams.Order(), first.Concat(second).Order());
        Assert.NotEmpty(first);
        Assert.NotEmpty(second);

        await Sweeper().SweepIntervalAsync(new WakeUpShare(0, 2), CancellationToken.None);
        Assert.Equal(second.Order(), (await StillDueAsync(streams)).Order());

        await Sweeper().SweepIntervalAsync(new WakeUpShare(1, 2), CancellationToken.None);
        Assert.Empty(await StillDueAsync(streams));
    }

    [Fact]
    public async Task SweepIntervalAsync_OfOneShare_AlsoWakesEntriesOfAnyShareOverdueBeyondTheGrace()
    {
        var sweeper = Sweeper();
        // Another silo's rows, long overdue: that silo died and membership has not dropped it yet.
        var streams = await DueStreamsAsync(20, cluster.Now - sweeper.OrphanGrace - TimeSpan.FromSeconds(1));
        Assert.NotEmpty(await MineAsync(streams, new WakeUpShare(1, 2)));

        await sweeper.SweepIntervalAsync(new WakeUpShare(0, 2), CancellationToken.None);

        Assert.Empty(await StillDueAsync(streams));
    }

    [Fact]
    public void ShareOfThisSilo_OnEverySilo_IsADifferentShareOfAllActiveSilos()
    {
        var shares = cluster.Cluster.Silos
            .Select(silo => silo.ServiceProvider.GetServices<IHostedService>().OfType<StockWakeUpSweeper>().Single().ShareOfThisSilo())
            .ToList();

        Assert.Equal([new(0, 3), new(1, 3), new(2, 3)], shares.OrderBy(share => share.Index));
    }

    /// <summary>A sweeper on the first silo, as the silo builds its own but with small sweeps.</summary>
    private StockWakeUpSweeper Sweeper()
    {
        var services = cluster.Cluster.Silos[0].ServiceProvider;
        return new StockWakeUpSweeper(
            cluster.Journal,
            services.GetRequiredService<IGrainFactory>(),
            services.GetRequiredService<ISiloStatusOracle>(),
            cluster.Time,
            services.GetRequiredService<IOptions<ReservationOptions>>(),
            NullLogger<StockWakeUpSweeper>.Instance)
        {
            MostPerSweep = PerSweep,
        };
    }

    /// <summary>Entries of this test's store, each with one empty batch whose wake-up time is <paramref name="at"/>.</summary>
    private async Task<List<string>> DueStreamsAsync(int count, DateTimeOffset at)
    {
        var streams = Enumerable.Range(0, count).Select(i => TenantKey.For(_tenant, StockEntryId.Format($"SWEEP-{i}", ClusterFixture.DefaultZone))).ToList();
        foreach (var stream in streams)
        {
            await WriteWakeUpAsync(stream, 1, at);
        }

        return streams;
    }

    private Task WriteWakeUpAsync(string stream, long version, DateTimeOffset? at) =>
        cluster.Journal.WriteAsAnotherActivationAsync(new StockJournalBatch(stream, version, [], [], null, new StockWakeUp(at)));

    private async Task<List<string>> StillDueAsync(IReadOnlyCollection<string> streams) =>
        [.. (await cluster.Journal.DueAsync(cluster.Now, int.MaxValue)).Select(due => due.Stream).Where(streams.Contains)];

    private async Task<List<string>> MineAsync(IReadOnlyCollection<string> streams, WakeUpShare share) =>
        [.. (await cluster.Journal.DueAsync(DateTimeOffset.MaxValue, int.MaxValue, share)).Select(due => due.Stream).Where(streams.Contains)];
}
