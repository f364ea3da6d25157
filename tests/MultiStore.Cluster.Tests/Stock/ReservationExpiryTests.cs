using System.Diagnostics;
using MultiStore.Cluster.Tests.Hosting;
using MultiStore.Grains.Interfaces.Stock;
using Xunit.Abstractions;

namespace MultiStore.Cluster.Tests.Stock;

/// <summary>A pending reservation's expiry is a durable promise: it happens even when no silo that saw it survives.</summary>
public sealed class ReservationExpiryTests(ITestOutputHelper output)
{
    /// <summary>
    /// Every silo looks for due entries every <see cref="ScanInterval"/> here (production: every 10 s), so the expiry
    /// happens within seconds of the restart. This is the proof that the wake-up rows in PostgreSQL are wired.
    /// </summary>
    private static readonly TimeSpan ScanInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan ExpiryDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PendingReservation_AfterFullClusterRestart_ExpiresThroughItsDurableWakeUp()
    {
        await using var database = await TestDatabase.CreateAsync();
        var serviceId = DurableCluster.NewServiceId();
        var tenant = DurableCluster.NewTenant();
        var key = DurableCluster.StockKey(tenant, "SKU-EXP");
        var reservedAt = Stopwatch.StartNew();

        await using (var cluster = await DurableCluster.StartAsync(database, serviceId, silos: 1, DurableCluster.ShortWakeUpScans(ScanInterval)))
        using (DurableCluster.ActAs(tenant))
        {
            var stock = cluster.Stock(tenant, "SKU-EXP");
            await stock.AdjustAsync(DurableCluster.SetOnHand(5));
            var held = await stock.ReserveAsync("short", 2, TimeSpan.FromSeconds(3));
            Assert.True(held.IsHeld);
            // Written with the hold, in the same statement: acknowledged means the wake-up is durable too.
            var wakeAt = await WakeAtAsync();
            Assert.NotNull(wakeAt);
            Assert.Equal(held.ExpiresAt!.Value.ToUnixTimeMilliseconds(), new DateTimeOffset(wakeAt.Value).ToUnixTimeMilliseconds());

            // Everything stops before the hold runs out: no activation, no timer is left to expire it.
            await cluster.StopAsync();
        }

        Assert.True(await IsHeldAsync(), "The reservation must still be stored as held when the cluster goes down.");

        await using (var cluster = await DurableCluster.StartAsync(database, serviceId, silos: 1, DurableCluster.ShortWakeUpScans(ScanInterval)))
        {
            // Nobody calls the grain: only the sweeper, reading the wake-up row from PostgreSQL, can wake it up.
            while (await IsHeldAsync())
            {
                Assert.True(reservedAt.Elapsed < ExpiryDeadline, $"The reservation was still held {reservedAt.Elapsed} after it was made.");
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }

            output.WriteLine($"Expired through its wake-up row {reservedAt.Elapsed.TotalSeconds:F1} s after it was reserved (TTL 3 s, scans every {ScanInterval.TotalSeconds:F0} s).");
            using var stored = await database.StoredStateAsync(serviceId, "stock", key);
            Assert.Equal((int)ReservationStatus.Expired, stored!.RootElement.GetProperty("Settled").GetProperty("short").GetProperty("Status").GetInt32());

            using (DurableCluster.ActAs(tenant))
            {
                var level = await cluster.Stock(tenant, "SKU-EXP").GetAsync();
                Assert.Equal(0, level.Reserved);
                Assert.Equal(ReservationStatus.Expired, (await cluster.Stock(tenant, "SKU-EXP").ReleaseAsync("short")).Status);
            }

            // Nothing is held any more, so nothing is due: the row no longer names a time, and no reminder was ever used.
            Assert.Null(await WakeAtAsync());
            Assert.Equal(0L, await database.ScalarAsync<long>(
                "SELECT count(*) FROM multistore_reminders WHERE service_id = @service", ("service", serviceId)));
        }

        async Task<bool> IsHeldAsync()
        {
            using var stored = await database.StoredStateAsync(serviceId, "stock", key);
            return stored!.RootElement.GetProperty("Held").TryGetProperty("short", out _);
        }

        // Npgsql reads timestamptz as a UTC DateTime.
        Task<DateTime?> WakeAtAsync() => database.ScalarAsync<DateTime?>(
            "SELECT wake_at FROM multistore_stock_wakeups WHERE service_id = @service AND stream = @key",
            ("service", serviceId), ("key", key));
    }
}
