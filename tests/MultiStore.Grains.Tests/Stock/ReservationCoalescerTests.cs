using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// Shoppers' reservations that share grain calls (<see cref="ReservationCoalescer"/>, <see cref="IStockGrain.ReserveManyAsync"/>)
/// keep every promise of one call each: exact counts, each caller its own durable answer, and the silo's isolation and
/// permission checks for every caller.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ReservationCoalescerTests(ClusterFixture cluster)
{
    private const string Sku = "FLASH-TEE";
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task ReserveAsync_500ShoppersAtOnceFor100Units_ReservesExactly100InSharedCalls()
    {
        var tenant = ClusterFixture.NewTenant();
        var stock = await cluster.StockAsync(tenant, Sku, 100);
        var coalescer = new ReservationCoalescer();

        ReservationResult[] results;
        using (ClusterFixture.ActAs(tenant))
        {
            results = await AllAtOnce.RunAsync(Enumerable.Range(0, 500).Select(i => (Func<Task<ReservationResult>>)(() => coalescer.ReserveAsync(stock, $"r-{i}", 1, Ttl))));
        }

        Assert.Equal(100, results.Count(r => r.Status == ReservationStatus.Reserved));
        Assert.Equal(400, results.Count(r => r.Status == ReservationStatus.InsufficientStock));
        // Each caller got the answer to its own request.
        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"r-{i}"), results.Select(r => r.ReservationId));
        Assert.InRange(coalescer.CallsSent, 1, 499);
        var level = await cluster.LevelAsync(tenant, Sku);
        Assert.Equal((100, 100, 0), (level.OnHand, level.Reserved, level.Available));
    }

    [Fact]
    public async Task ReserveAsync_AnsweredOnlyOnceTheSharedBatchIsDurable()
    {
        var tenant = ClusterFixture.NewTenant();
        var stock = await cluster.StockAsync(tenant, Sku, 10);
        var probe = cluster.Journal.Watch(TenantKey.For(tenant, StockEntryId.Format(Sku, ClusterFixture.DefaultZone)));
        var coalescer = new ReservationCoalescer();
        probe.Close();
        try
        {
            Task<ReservationResult>[] pending;
            using (ClusterFixture.ActAs(tenant))
            {
                pending = [.. Enumerable.Range(0, 5).Select(i => coalescer.ReserveAsync(stock, $"slow-{i}", 1, Ttl))];
            }

            await Eventually.ReadAsync(() => Task.FromResult(probe.Attempts.Count), attempts => attempts > 0);
            await Task.Delay(200);
            Assert.All(pending, task => Assert.False(task.IsCompleted));

            probe.Open();
            var results = await Task.WhenAll(pending);
            Assert.All(results, r => Assert.Equal(ReservationStatus.Reserved, r.Status));
            Assert.Equal(5, probe.Written.Sum(batch => batch.Changes.Count(change => change.ReservationId?.StartsWith("slow-", StringComparison.Ordinal) == true)));
        }
        finally
        {
            probe.Open();
        }
    }

    [Fact]
    public async Task ReserveAsync_WhenTheJournalFails_EveryCallerInTheCallSeesItAndNothingIsHeld()
    {
        var tenant = ClusterFixture.NewTenant();
        var stock = await cluster.StockAsync(tenant, Sku, 10);
        var probe = cluster.Journal.Watch(TenantKey.For(tenant, StockEntryId.Format(Sku, ClusterFixture.DefaultZone)));
        var coalescer = new ReservationCoalescer();
        probe.Failing = true;
        Task<ReservationResult>[] pending;
        using (ClusterFixture.ActAs(tenant))
        {
            pending = [.. Enumerable.Range(0, 20).Select(i => coalescer.ReserveAsync(stock, $"lost-{i}", 1, Ttl))];
        }

        foreach (var task in pending)
        {
            await Assert.ThrowsAsync<NotDurableException>(() => task);
        }

        probe.Failing = false;
        var level = await cluster.LevelAsync(tenant, Sku);
        Assert.Equal((10, 0), (level.OnHand, level.Reserved));
    }

    [Fact]
    public async Task ReserveAsync_CallersOfOtherStoresAndRoles_NeverRideAnotherCallersCall()
    {
        var home = ClusterFixture.NewTenant();
        var other = ClusterFixture.NewTenant();
        var homeStock = await cluster.StockAsync(home, Sku, 1_000);
        await cluster.StockAsync(other, Sku, 1_000);
        var otherStock = cluster.Stock(other, Sku);
        var coalescer = new ReservationCoalescer();

        // All at once, through one coalescer: the home store's shoppers, an intruder acting for the home store on
        // the other store's entry, and a home-store caller who may read stock but not shop.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var shoppers = Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            using (TenantContext.ForCaller(home, $"shopper-{i % 3}", [StorePermission.Shop]))
            {
                return await coalescer.ReserveAsync(homeStock, $"home-{i}", 1, Ttl);
            }
        })).ToArray();
        var intruders = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            using (TenantContext.ForCaller(home, "shopper-0", [StorePermission.Shop]))
            {
                return await coalescer.ReserveAsync(otherStock, $"stolen-{i}", 1, Ttl);
            }
        })).ToArray();
        var readers = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            await gate.Task;
            using (TenantContext.ForCaller(home, "shopper-0", [StorePermission.StockRead]))
            {
                return await coalescer.ReserveAsync(homeStock, $"peek-{i}", 1, Ttl);
            }
        })).ToArray();
        gate.SetResult();

        Assert.All(await Task.WhenAll(shoppers), r => Assert.Equal(ReservationStatus.Reserved, r.Status));
        foreach (var intruder in intruders)
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => intruder);
        }

        foreach (var reader in readers)
        {
            await Assert.ThrowsAsync<StorePermissionException>(() => reader);
        }

        Assert.Equal(100, (await cluster.LevelAsync(home, Sku)).Reserved);
        Assert.Equal(0, (await cluster.LevelAsync(other, Sku)).Reserved);
    }

    [Fact]
    public async Task ReserveAsync_InvalidRequest_IsRefusedBeforeItJoinsACall()
    {
        var tenant = ClusterFixture.NewTenant();
        var stock = await cluster.StockAsync(tenant, Sku, 10);
        var coalescer = new ReservationCoalescer();

        using (ClusterFixture.ActAs(tenant))
        {
            Assert.Equal(RuleCodes.InvalidQuantity, (await Assert.ThrowsAsync<StoreRuleException>(() => coalescer.ReserveAsync(stock, "r", 0, Ttl))).Code);
            Assert.Equal(RuleCodes.InvalidId, (await Assert.ThrowsAsync<StoreRuleException>(() => coalescer.ReserveAsync(stock, new string('x', 129), 1, Ttl))).Code);
            Assert.Equal(RuleCodes.InvalidTtl, (await Assert.ThrowsAsync<StoreRuleException>(() => coalescer.ReserveAsync(stock, "r", 1, TimeSpan.FromDays(2)))).Code);
        }

        Assert.Equal(0, coalescer.CallsSent);
        Assert.Equal(0, (await cluster.LevelAsync(tenant, Sku)).Reserved);
    }

    [Fact]
    public async Task ReserveManyAsync_AnswersInOrder_AndARepeatedIdHoldsOnce()
    {
        var tenant = ClusterFixture.NewTenant();
        var stock = await cluster.StockAsync(tenant, Sku, 5);

        ReservationResult[] answers;
        using (ClusterFixture.ActAs(tenant))
        {
            answers = await stock.ReserveManyAsync(
            [
                new("a", 2, Ttl),
                new("b", 2, Ttl),
                new("a", 2, Ttl),
                new("c", 2, Ttl),
                new("d", 1, Ttl),
            ]);
        }

        Assert.Equal(["a", "b", "a", "c", "d"], answers.Select(a => a.ReservationId));
        Assert.Equal(
            [ReservationStatus.Reserved, ReservationStatus.Reserved, ReservationStatus.Reserved, ReservationStatus.InsufficientStock, ReservationStatus.Reserved],
            answers.Select(a => a.Status));
        Assert.Equal((5, 0), ((await cluster.LevelAsync(tenant, Sku)).Reserved, (await cluster.LevelAsync(tenant, Sku)).Available));
    }

    [Fact]
    public async Task ReserveManyAsync_OnAnIdleEntry_WritesTheWholeCallInOneJournalBatch()
    {
        var tenant = ClusterFixture.NewTenant();
        var stock = await cluster.StockAsync(tenant, Sku, 100);
        var probe = cluster.Journal.Watch(TenantKey.For(tenant, StockEntryId.Format(Sku, ClusterFixture.DefaultZone)));

        using (ClusterFixture.ActAs(tenant))
        {
            await stock.ReserveManyAsync([.. Enumerable.Range(0, 40).Select(i => new ReservationRequest($"crowd-{i}", 1, Ttl))]);
        }

        var batch = Assert.Single(probe.Written);
        Assert.Equal(40, batch.Changes.Count);
    }

    [Fact]
    public async Task ReserveManyAsync_OneInvalidRequest_RefusesTheWholeCallAndReservesNothing()
    {
        var tenant = ClusterFixture.NewTenant();
        var stock = await cluster.StockAsync(tenant, Sku, 5);

        using (ClusterFixture.ActAs(tenant))
        {
            var refusal = await Assert.ThrowsAsync<StoreRuleException>(() => stock.ReserveManyAsync([new("ok", 1, Ttl), new("bad", -1, Ttl)]));
            Assert.Equal(RuleCodes.InvalidQuantity, refusal.Code);
            await Assert.ThrowsAsync<StoreRuleException>(() => stock.ReserveManyAsync([]));
            await Assert.ThrowsAsync<StoreRuleException>(() => stock.ReserveManyAsync([.. Enumerable.Range(0, ReservationRequest.MaxPerCall + 1).Select(i => new ReservationRequest($"r-{i}", 1, Ttl))]));
        }

        Assert.Equal(0, (await cluster.LevelAsync(tenant, Sku)).Reserved);
    }
}
