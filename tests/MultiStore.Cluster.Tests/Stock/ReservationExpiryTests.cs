using System.Diagnostics;
using MultiStore.Cluster.Tests.Hosting;
using MultiStore.Grains.Interfaces.Stock;
using Xunit.Abstractions;

namespace MultiStore.Cluster.Tests.Stock;

/// <summary>A pending reservation's expiry is a durable promise: it happens even when no silo that saw it survives.</summary>
public sealed class ReservationExpiryTests(ITestOutputHelper output)
{
    /// <summary>
    /// The reminder ticks every <see cref="ReminderPeriod"/> here (production: once a minute, Orleans' floor), so the
    /// expiry happens within seconds of the restart. This is the only proof that the PostgreSQL reminder table is wired.
    /// </summary>
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ReminderDeadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task PendingReservation_AfterFullClusterRestart_ExpiresThroughTheDurableReminder()
    {
        await using var database = await TestDatabase.CreateAsync();
        var serviceId = DurableCluster.NewServiceId();
        var tenant = DurableCluster.NewTenant();
        var key = DurableCluster.StockKey(tenant, "SKU-EXP");
        var reservedAt = Stopwatch.StartNew();

        await using (var cluster = await DurableCluster.StartAsync(database, serviceId, silos: 1, DurableCluster.ShortReminders(ReminderPeriod)))
        using (DurableCluster.ActAs(tenant))
        {
            var stock = cluster.Stock(tenant, "SKU-EXP");
            await stock.AdjustAsync(DurableCluster.SetOnHand(5));
            var held = await stock.ReserveAsync("short", 2, TimeSpan.FromSeconds(2));
            Assert.True(held.IsHeld);
            Assert.Equal(1L, await database.ScalarAsync<long>(
                "SELECT count(*) FROM multistore_reminders WHERE service_id = @service AND grain_id LIKE '%' || @key",
                ("service", serviceId), ("key", key)));

            // Everything stops before the hold runs out: no activation, no timer is left to expire it.
            await cluster.StopAsync();
        }

        Assert.True(await IsHeldAsync(), "The reservation must still be stored as held when the cluster goes down.");

        await using (var cluster = await DurableCluster.StartAsync(database, serviceId, silos: 1, DurableCluster.ShortReminders(ReminderPeriod)))
        {
            // Nobody calls the grain: only the reminder, read back from PostgreSQL, can wake it up.
            while (await IsHeldAsync())
            {
                Assert.True(reservedAt.Elapsed < ReminderDeadline, $"The reservation was still held {reservedAt.Elapsed} after it was made.");
                await Task.Delay(TimeSpan.FromMilliseconds(500));
            }

            output.WriteLine($"Expired by the reminder {reservedAt.Elapsed.TotalSeconds:F1} s after it was reserved (TTL 2 s, reminder period {ReminderPeriod.TotalSeconds:F0} s).");
            using var stored = await database.StoredStateAsync(serviceId, "stock", key);
            Assert.Equal((int)ReservationStatus.Expired, stored!.RootElement.GetProperty("Settled").GetProperty("short").GetProperty("Status").GetInt32());

            using (DurableCluster.ActAs(tenant))
            {
                var level = await cluster.Stock(tenant, "SKU-EXP").GetAsync();
                Assert.Equal(0, level.Reserved);
                Assert.Equal(ReservationStatus.Expired, (await cluster.Stock(tenant, "SKU-EXP").ReleaseAsync("short")).Status);
            }

            // Nothing is pending any more, so the grain removed its reminder.
            Assert.Equal(0L, await database.ScalarAsync<long>(
                "SELECT count(*) FROM multistore_reminders WHERE service_id = @service", ("service", serviceId)));
        }

        async Task<bool> IsHeldAsync()
        {
            using var stored = await database.StoredStateAsync(serviceId, "stock", key);
            return stored!.RootElement.GetProperty("Held").TryGetProperty("short", out _);
        }
    }
}
