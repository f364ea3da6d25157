using System.Diagnostics;
using System.Text.Json;
using MultiStore.Cluster.Tests.Hosting;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Stock;
using Xunit.Abstractions;

namespace MultiStore.Cluster.Tests.Persistence;

/// <summary>A full cluster restart on PostgreSQL storage: every acknowledged change is still there afterwards.</summary>
public sealed class DurableStorageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StockGrain_AfterFullClusterRestart_KeepsLevelsReservationsAndRetryAnswers()
    {
        await using var database = await TestDatabase.CreateAsync();
        var serviceId = DurableCluster.NewServiceId();
        var tenant = DurableCluster.NewTenant();
        ReservationResult held, confirmed, released;
        StockLevel before;

        await using (var cluster = await DurableCluster.StartAsync(database, serviceId))
        using (DurableCluster.ActAs(tenant))
        {
            var stock = cluster.Stock(tenant, "SKU-1");
            await stock.AdjustAsync(DurableCluster.SetOnHand(10));
            held = await stock.ReserveAsync("keep", 3, TimeSpan.FromHours(1));
            await stock.ReserveAsync("confirm", 2, TimeSpan.FromHours(1));
            confirmed = await stock.ConfirmAsync("confirm");
            await stock.ReserveAsync("release", 1, TimeSpan.FromHours(1));
            released = await stock.ReleaseAsync("release");
            before = await stock.GetAsync();
            await cluster.StopAsync();
        }

        var restart = Stopwatch.StartNew();
        await using (var cluster = await DurableCluster.StartAsync(database, serviceId))
        using (DurableCluster.ActAs(tenant))
        {
            var stock = cluster.Stock(tenant, "SKU-1");
            var after = await stock.GetAsync();
            output.WriteLine($"Restarted 2 silos and read the entry back in {restart.ElapsedMilliseconds} ms.");

            Assert.Equal(before, after);
            Assert.Equal(new StockLevel("SKU-1", "main", 8, 3, 0, true), after);
            // A shopper who lost the answer retries with the same id and gets the same answer, reserving nothing more
            // (only Available, which reports the entry as it is now, moves on).
            var available = after.OnHand - after.Reserved;
            Assert.Equal(held with { Available = available }, await stock.ReserveAsync("keep", 3, TimeSpan.FromHours(1)));
            Assert.Equal(confirmed with { Available = available }, await stock.ConfirmAsync("confirm"));
            Assert.Equal(released with { Available = available }, await stock.ReleaseAsync("release"));
            Assert.Equal(before, await stock.GetAsync());
        }
    }

    [Fact]
    public async Task PlatformAndShoppingGrains_AfterFullClusterRestart_ReadBackEqual()
    {
        await using var database = await TestDatabase.CreateAsync();
        var serviceId = DurableCluster.NewServiceId();
        var tenant = DurableCluster.NewTenant();
        var host = $"{tenant}.example.test";
        var cartId = Guid.NewGuid().ToString("D");
        Snapshot before;

        await using (var cluster = await DurableCluster.StartAsync(database, serviceId))
        {
            using (DurableCluster.ActAsPlatform())
            {
                await Directory(cluster).CreateAsync(new TenantSpec(tenant.Value, "Restart Store", [host, $"www.{host}"], "{\"accent\":\"#123456\"}"));
                await Directory(cluster).CreateAsync(new TenantSpec($"{tenant.Value}-b", "Second Store", [$"b.{host}"], "{}"));
            }

            using (DurableCluster.ActAs(tenant))
            {
                await cluster.Stock(tenant, "SKU-A").AdjustAsync(DurableCluster.SetOnHand(5));
                await cluster.Stock(tenant, "SKU-B").AdjustAsync(DurableCluster.SetOnHand(7));
                var cart = cluster.Client.GetGrain<Grains.Interfaces.Carts.ICartGrain>(Grains.Interfaces.Tenancy.TenantKey.For(tenant, cartId));
                Assert.True((await cart.SetItemAsync("SKU-A", "main", 2)).Succeeded);
                Assert.True((await cart.SetItemAsync("SKU-B", "main", 1)).Succeeded);
                Assert.Null((await cart.CheckoutAsync()).Shortage);
            }

            before = await ReadAllAsync(cluster);
            Assert.NotNull(before.Order);
            await cluster.StopAsync();
        }

        await using (var cluster = await DurableCluster.StartAsync(database, serviceId))
        {
            var after = await ReadAllAsync(cluster);

            Assert.Equal(Json(before.Directory), Json(after.Directory));
            Assert.Equal(Json(before.Store), Json(after.Store));
            Assert.Equal(before.Host, after.Host);
            Assert.Equal(Json(before.Cart), Json(after.Cart));
            Assert.Equal(Json(before.Order), Json(after.Order));
            Assert.Equal(before.Levels, after.Levels);
        }

        async Task<Snapshot> ReadAllAsync(DurableCluster cluster)
        {
            IReadOnlyList<TenantProfile> directory;
            using (DurableCluster.ActAsPlatform())
            {
                directory = await Directory(cluster).ListAsync();
            }

            var binding = await cluster.Client.GetGrain<IHostNameGrain>(host).ResolveAsync();
            using (DurableCluster.ActAs(tenant))
            {
                var store = await cluster.Client.GetGrain<ITenantGrain>(Grains.Interfaces.Tenancy.TenantKey.For(tenant, ITenantGrain.EntityId)).GetAsync();
                var cart = await cluster.Client.GetGrain<Grains.Interfaces.Carts.ICartGrain>(Grains.Interfaces.Tenancy.TenantKey.For(tenant, cartId)).GetAsync();
                var order = cart?.OrderId is { } orderId
                    ? await cluster.Client.GetGrain<Grains.Interfaces.Orders.IOrderGrain>(Grains.Interfaces.Tenancy.TenantKey.For(tenant, orderId)).GetAsync()
                    : null;
                var levels = new List<StockLevel>();
                foreach (var sku in new[] { "SKU-A", "SKU-B" })
                {
                    levels.Add(await cluster.Stock(tenant, sku).GetAsync());
                }

                return new Snapshot(directory.Where(p => p.Id.StartsWith(tenant.Value, StringComparison.Ordinal)).ToList(), store, binding, cart, order, levels);
            }
        }

        static ITenantDirectoryGrain Directory(DurableCluster cluster) => cluster.Client.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key);

        // Records holding lists compare by reference: compare what they serialize to instead.
        static string Json(object? value) => JsonSerializer.Serialize(value);
    }

    [Fact]
    public async Task WriteStateAsync_StoresPlainJsonWithoutTypeNames()
    {
        await using var database = await TestDatabase.CreateAsync();
        var serviceId = DurableCluster.NewServiceId();
        var tenant = DurableCluster.NewTenant();
        await using var cluster = await DurableCluster.StartAsync(database, serviceId, silos: 1);
        using (DurableCluster.ActAs(tenant))
        {
            var stock = cluster.Stock(tenant, "SKU-JSON");
            await stock.AdjustAsync(DurableCluster.SetOnHand(4));
            await stock.ReserveAsync("r-1", 1, TimeSpan.FromHours(1));
        }

        using var stored = await database.StoredStateAsync(serviceId, "stock", DurableCluster.StockKey(tenant, "SKU-JSON"));

        Assert.NotNull(stored);
        var text = stored.RootElement.GetRawText();
        output.WriteLine(text);
        Assert.DoesNotContain("$type", text, StringComparison.Ordinal);
        Assert.Equal(4, stored.RootElement.GetProperty("OnHand").GetInt32());
        Assert.Equal(1, stored.RootElement.GetProperty("Held").GetProperty("r-1").GetProperty("Quantity").GetInt32());
        Assert.Equal(2L, await database.ScalarAsync<long>(
            "SELECT max(version) FROM multistore_stock_batches WHERE service_id = @service", ("service", serviceId)));
    }

    /// <summary>What the restart test reads through the grains before and after.</summary>
    private sealed record Snapshot(
        IReadOnlyList<TenantProfile> Directory,
        TenantProfile? Store,
        HostBinding? Host,
        object? Cart,
        object? Order,
        IReadOnlyList<StockLevel> Levels);
}
