using System.Collections.Concurrent;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// Many callers at once against one stock entry, issued from the cluster client to a three-silo cluster.
/// Every call waits behind one gate so they all arrive together; the assertions are exact, never "at least".
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class StockGrainConcurrencyTests(ClusterFixture cluster)
{
    private const string Sku = "HOODIE-GRY-L";
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task ReserveAsync_500ConcurrentCallsFor100Units_ReservesExactly100()
    {
        var tenant = ClusterFixture.NewTenant();
        var stock = await cluster.StockAsync(tenant, Sku, 100);

        ReservationResult[] results;
        using (ClusterFixture.ActAs(tenant))
        {
            results = await AllAtOnce.RunAsync(Enumerable.Range(0, 500).Select(i => (Func<Task<ReservationResult>>)(() => stock.ReserveAsync($"r-{i}", 1, Ttl))));
        }

        Assert.Equal(100, results.Count(r => r.Status == ReservationStatus.Reserved));
        Assert.Equal(400, results.Count(r => r.Status == ReservationStatus.InsufficientStock));
        Assert.All(results, r => Assert.InRange(r.Available, 0, 100));
        Assert.All(results.Where(r => r.IsHeld), r => Assert.Equal(1, r.Quantity));
        var level = await cluster.LevelAsync(tenant, Sku);
        Assert.Equal((100, 100, 0), (level.OnHand, level.Reserved, level.Available));
    }

    [Fact]
    public async Task ReserveAsync_ManyCallersForTheLastUnit_SellsItExactlyOnce()
    {
        var tenant = ClusterFixture.NewTenant();
        var stock = await cluster.StockAsync(tenant, Sku, 1);

        ReservationResult[] results;
        using (ClusterFixture.ActAs(tenant))
        {
            results = await AllAtOnce.RunAsync(Enumerable.Range(0, 50).Select(i => (Func<Task<ReservationResult>>)(() => stock.ReserveAsync($"r-{i}", 1, Ttl))));
        }

        var winner = Assert.Single(results, r => r.IsHeld);
        using (ClusterFixture.ActAs(tenant))
        {
            Assert.Equal(ReservationStatus.Confirmed, (await stock.ConfirmAsync(winner.ReservationId)).Status);
            Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 0, 0, 0, true), await stock.GetAsync());
        }
    }

    [Fact]
    public async Task ReserveAsync_SameIdFromManyCallersAtOnce_HoldsItOnce()
    {
        var tenant = ClusterFixture.NewTenant();
        var stock = await cluster.StockAsync(tenant, Sku, 10);

        ReservationResult[] results;
        using (ClusterFixture.ActAs(tenant))
        {
            results = await AllAtOnce.RunAsync(Enumerable.Range(0, 100).Select(_ => (Func<Task<ReservationResult>>)(() => stock.ReserveAsync("same", 4, Ttl))));
        }

        Assert.All(results, r => Assert.Equal(results[0], r));
        Assert.Equal(ReservationStatus.Reserved, results[0].Status);
        Assert.Equal(4, (await cluster.LevelAsync(tenant, Sku)).Reserved);
    }

    [Fact]
    public async Task MixedOperations_RunConcurrently_KeepEveryInvariant()
    {
        const int initialOnHand = 200;
        var tenant = ClusterFixture.NewTenant();
        var stock = await cluster.StockAsync(tenant, Sku, initialOnHand);
        using var _ = ClusterFixture.ActAs(tenant);

        // Sixty holds of two units: the first twenty get confirmed, the next twenty released, the last twenty stay.
        var prior = await AllAtOnce.RunAsync(Enumerable.Range(0, 60).Select(i => (Func<Task<ReservationResult>>)(() => stock.ReserveAsync($"p-{i}", 2, Ttl))));
        Assert.All(prior, r => Assert.Equal(ReservationStatus.Reserved, r.Status));
        var priorById = prior.ToDictionary(r => r.ReservationId);
        var toConfirm = Enumerable.Range(0, 20).Select(i => $"p-{i}").ToArray();
        var toRelease = Enumerable.Range(20, 20).Select(i => $"p-{i}").ToArray();
        var untouched = Enumerable.Range(40, 20).Select(i => $"p-{i}").ToArray();

        var confirms = new ConcurrentBag<ReservationResult>();
        var releases = new ConcurrentBag<ReservationResult>();
        var repeats = new ConcurrentBag<ReservationResult>();
        var fresh = new ConcurrentBag<ReservationResult>();
        var levels = new ConcurrentBag<StockLevel>();
        var acceptedDeltas = new ConcurrentBag<int>();
        var refusedDeltas = new ConcurrentBag<StoreRuleException>();

        var operations = new List<Func<Task>>();
        foreach (var id in toConfirm)
        {
            // Each settle is sent twice so idempotency is exercised under contention too.
            operations.Add(async () => confirms.Add(await stock.ConfirmAsync(id)));
            operations.Add(async () => confirms.Add(await stock.ConfirmAsync(id)));
        }

        foreach (var id in toRelease)
        {
            operations.Add(async () => releases.Add(await stock.ReleaseAsync(id)));
            operations.Add(async () => releases.Add(await stock.ReleaseAsync(id)));
        }

        foreach (var id in toConfirm.Concat(toRelease).Concat(untouched))
        {
            operations.Add(async () => repeats.Add(await stock.ReserveAsync(id, 2, Ttl)));
        }

        for (var i = 0; i < 150; i++)
        {
            var id = $"n-{i}";
            operations.Add(async () => fresh.Add(await stock.ReserveAsync(id, 1, Ttl)));
        }

        foreach (var delta in Enumerable.Repeat(5, 20).Concat(Enumerable.Repeat(-4, 20)))
        {
            operations.Add(async () =>
            {
                try
                {
                    levels.Add(await stock.AdjustAsync(ClusterFixture.Delta(delta)));
                    acceptedDeltas.Add(delta);
                }
                catch (StoreRuleException refusal)
                {
                    refusedDeltas.Add(refusal);
                }
            });
        }

        await AllAtOnce.RunAsync(operations.Select(op => (Func<Task<bool>>)(async () =>
        {
            await op();
            return true;
        })));

        // Every answer is consistent with what happened to its id.
        Assert.Equal(40, confirms.Count);
        Assert.All(confirms, r => Assert.Equal((ReservationStatus.Confirmed, 2), (r.Status, r.Quantity)));
        Assert.Equal(40, releases.Count);
        Assert.All(releases, r => Assert.Equal((ReservationStatus.Released, 2), (r.Status, r.Quantity)));
        Assert.All(repeats, r => Assert.Contains(r.Status, ExpectedRepeatStatuses(r.ReservationId)));
        Assert.All(repeats.Where(r => r.IsHeld), r => Assert.Equal(priorById[r.ReservationId].ExpiresAt, r.ExpiresAt));
        Assert.Equal(150, fresh.Count);
        Assert.All(fresh, r => Assert.Contains(r.Status, new[] { ReservationStatus.Reserved, ReservationStatus.InsufficientStock }));
        Assert.All(refusedDeltas, e => Assert.Equal(RuleCodes.OnHandBelowReserved, e.Code));
        Assert.Equal(40, acceptedDeltas.Count + refusedDeltas.Count);

        // Available never went negative and on-hand never dropped below reserved in any answer.
        Assert.All(confirms.Concat(releases).Concat(repeats).Concat(fresh), r => Assert.True(r.Available >= 0, $"{r.ReservationId} saw Available {r.Available}"));
        Assert.All(levels, l => Assert.True(l.OnHand >= l.Reserved, $"OnHand {l.OnHand} < Reserved {l.Reserved}"));

        // The books balance exactly.
        var freshHeld = fresh.Where(r => r.IsHeld).ToArray();
        var expectedReserved = (untouched.Length * 2) + freshHeld.Sum(r => r.Quantity);
        var expectedOnHand = initialOnHand + acceptedDeltas.Sum() - (toConfirm.Length * 2);
        var level = await stock.GetAsync();
        Assert.Equal(expectedReserved, level.Reserved);
        Assert.Equal(expectedOnHand, level.OnHand);
        Assert.Equal(Math.Max(0, expectedOnHand - expectedReserved), level.Available);

        // No acknowledged reservation went missing: each still answers what it became.
        foreach (var id in untouched)
        {
            var now = await stock.ReserveAsync(id, 2, Ttl);
            Assert.Equal((ReservationStatus.Reserved, 2, priorById[id].ExpiresAt), (now.Status, now.Quantity, now.ExpiresAt));
        }

        foreach (var held in freshHeld)
        {
            Assert.Equal(ReservationStatus.Reserved, (await stock.ReserveAsync(held.ReservationId, 1, Ttl)).Status);
        }

        foreach (var id in toConfirm)
        {
            Assert.Equal(ReservationStatus.Confirmed, (await stock.ReserveAsync(id, 2, Ttl)).Status);
        }

        foreach (var id in toRelease)
        {
            Assert.Equal(ReservationStatus.Released, (await stock.ReserveAsync(id, 2, Ttl)).Status);
        }

        Assert.Equal(level, await stock.GetAsync());

        ReservationStatus[] ExpectedRepeatStatuses(string id) =>
            toConfirm.Contains(id) ? [ReservationStatus.Reserved, ReservationStatus.Confirmed]
            : toRelease.Contains(id) ? [ReservationStatus.Reserved, ReservationStatus.Released]
            : [ReservationStatus.Reserved];
    }
}
