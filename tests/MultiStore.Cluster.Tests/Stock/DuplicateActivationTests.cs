using MultiStore.Grains.Interfaces.Common;
using MultiStore.Cluster.Tests.Hosting;
using MultiStore.Grains.Interfaces.Stock;
using Orleans.Storage;
using Xunit.Abstractions;

namespace MultiStore.Cluster.Tests.Stock;

/// <summary>
/// Two clusters with the same ServiceId on one database each activate the same stock entry: the worst case of the
/// duplicate activations Orleans' default directory can briefly allow. Version-fenced writes must keep every
/// acknowledgement true: the stale activation's write is refused and its caller gets an error, never a "reserved".
/// </summary>
public sealed class DuplicateActivationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ReserveAsync_OnAStaleDuplicateActivation_IsRefusedAndTheRetrySeesTheOtherWrite()
    {
        await using var database = await TestDatabase.CreateAsync();
        var serviceId = DurableCluster.NewServiceId();
        var tenant = DurableCluster.NewTenant();
        await using var first = await DurableCluster.StartAsync(database, serviceId, silos: 1);
        await using var second = await DurableCluster.StartAsync(database, serviceId, silos: 1);
        using var acting = DurableCluster.ActAs(tenant);

        await first.Stock(tenant, "HOT").AdjustAsync(DurableCluster.SetOnHand(1));
        // Both clusters now hold an activation that has read the same version.
        Assert.Equal(1, (await second.Stock(tenant, "HOT").GetAsync()).OnHand);

        var won = await first.Stock(tenant, "HOT").ReserveAsync("first", 1, TimeSpan.FromHours(1));
        var refusal = await Assert.ThrowsAnyAsync<Exception>(() => second.Stock(tenant, "HOT").ReserveAsync("second", 1, TimeSpan.FromHours(1)));
        // The refused activation was dropped: the retry reads the stored state and sees the unit is gone. A retry sent
        // while the refused activation is still going may meet it once more.
        var retry = await RetryWhileNotDurableAsync(() => second.Stock(tenant, "HOT").ReserveAsync("second", 1, TimeSpan.FromHours(1)));

        output.WriteLine($"Stale write refused with {refusal.GetType().Name}: {refusal.Message}");
        Assert.IsType<NotDurableException>(refusal);
        Assert.True(won.IsHeld);
        Assert.Equal(ReservationStatus.InsufficientStock, retry.Status);
        using var stored = await database.StoredStateAsync(serviceId, "stock", DurableCluster.StockKey(tenant, "HOT"));
        Assert.Equal(["first"], stored!.RootElement.GetProperty("Held").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task ReserveAsync_ConcurrentlyFromTwoClustersOnOneDatabase_NeverAcknowledgesMoreThanOnHand()
    {
        const int OnHand = 20;
        const int Rounds = 5;
        const int ShoppersPerClusterPerRound = 8;
        await using var database = await TestDatabase.CreateAsync();
        var serviceId = DurableCluster.NewServiceId();
        var tenant = DurableCluster.NewTenant();
        await using var first = await DurableCluster.StartAsync(database, serviceId, silos: 1);
        await using var second = await DurableCluster.StartAsync(database, serviceId, silos: 1);
        using (DurableCluster.ActAs(tenant))
        {
            await first.Stock(tenant, "HOT").AdjustAsync(DurableCluster.SetOnHand(OnHand));
        }

        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var outcomes = new List<(string ReservationId, bool ThroughFirst, string Outcome)>();
        for (var round = 0; round < Rounds; round++)
        {
            // Each round both clusters hold a live activation (re-activated after any refusal) and shoppers on both
            // sides are released at once, so every round is a fresh race between two writers of one row.
            using (DurableCluster.ActAs(tenant))
            {
                await Task.WhenAll(first.Stock(tenant, "HOT").GetAsync(), second.Stock(tenant, "HOT").GetAsync());
            }

            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var shoppers = Enumerable.Range(0, 2 * ShoppersPerClusterPerRound).Select(i => Task.Run(async () =>
            {
                var throughFirst = i % 2 == 0;
                var reservationId = $"shopper-{round}-{i}";
                await start.Task;
                using var acting = DurableCluster.ActAs(tenant);
                try
                {
                    var cluster = throughFirst ? first : second;
                    var result = await cluster.Stock(tenant, "HOT").ReserveAsync(reservationId, 1, TimeSpan.FromHours(1));
                    return (reservationId, throughFirst, Outcome: result.IsHeld ? "acknowledged" : "sold out");
                }
                catch (Exception error)
                {
                    errors.Enqueue($"{error.GetType().Name}: {error.Message}");
                    return (reservationId, throughFirst, Outcome: $"error: {error.GetType().Name}");
                }
            })).ToList();
            start.SetResult();
            outcomes.AddRange(await Task.WhenAll(shoppers));
        }

        var acknowledged = outcomes.Where(o => o.Outcome == "acknowledged").ToList();
        using var stored = await database.StoredStateAsync(serviceId, "stock", DurableCluster.StockKey(tenant, "HOT"));
        var storedHeld = stored!.RootElement.GetProperty("Held").EnumerateObject().Select(p => p.Name).ToHashSet();
        output.WriteLine($"{outcomes.Count} attempts: " + string.Join(", ", outcomes.GroupBy(o => o.Outcome).Select(g => $"{g.Count()} {g.Key}")) +
                         $"; {storedHeld.Count} held in PostgreSQL; acknowledged through the first cluster: " +
                         $"{acknowledged.Count(o => o.ThroughFirst)}, through the second: {acknowledged.Count(o => !o.ThroughFirst)}.");
        foreach (var error in errors.Select(e => e[..Math.Min(e.Length, 160)]).Distinct().Take(3))
        {
            output.WriteLine(error);
        }

        Assert.True(acknowledged.Count <= OnHand, $"{acknowledged.Count} reservations acknowledged for {OnHand} units.");
        // Every acknowledgement is true: what a shopper was told is reserved is in PostgreSQL.
        Assert.Subset(storedHeld, acknowledged.Select(o => o.ReservationId).ToHashSet());
        Assert.True(storedHeld.Count <= OnHand, $"{storedHeld.Count} reservations stored for {OnHand} units.");
    }

    private static async Task<T> RetryWhileNotDurableAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (NotDurableException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }
}
