using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MultiStore.Cluster.Tests.Failover;
using MultiStore.Cluster.Tests.Hosting;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Stock;
using Xunit.Abstractions;

namespace MultiStore.Cluster.Tests.Scaling;

/// <summary>
/// A traffic spike handled as the autoscaler would: one silo and the Api as processes, 64 shoppers reserving over
/// many SKUs, two silos added under load, then removed one at a time with SIGTERM (the silo autoscaler's scale-down
/// policy, k8s/base/silo-hpa.yaml). Orleans never moves a running activation by itself, so the new silos receive the
/// activations created after they joined: the shoppers turn to a second set of SKUs once the new silos are ready,
/// as a spike brings shoppers to products nobody was buying. (The experimental activation rebalancer could also
/// move old activations; it is not enabled: a stock entry that moves in the middle of a sale gains nothing.)
/// </summary>
[Collection(ProcessCollection.Name)]
public sealed class SiloScalingTests(ITestOutputHelper output)
{
    private const int Shoppers = 64;
    private const int SkusBefore = 60;
    private const int SkusAfter = 180;
    private const int OnHand = 1_000_000;

    [Fact]
    public async Task Reserve_WhenTwoSilosJoinAndLeaveUnderLoad_FailsNothingKeepsEveryReservationAndSpreadsNewGrains()
    {
        await using var database = await TestDatabase.CreateAsync();
        // Silo 1's health port; silos 2 and 3: silo and gateway ports, then their health ports.
        var ports = SiloProcess.FreePorts(7);
        var settings = ClusterSettings.New(database.ConnectionString, TestServices.Redis);
        await using var cluster = await LocalCluster.StartAsync(
            output, nameof(Reserve_WhenTwoSilosJoinAndLeaveUnderLoad_FailsNothingKeepsEveryReservationAndSpreadsNewGrains), settings, silos: 1,
            siloSettings: new Dictionary<string, string> { ["Health__Port"] = ports[0].ToString(CultureInfo.InvariantCulture) },
            // This test is about silos joining and leaving, not the Api's limits: 64 shoppers of one store can pass the
            // store's default 3,000 requests a second once the cluster is warm, and a 429 would count as a failure.
            apiSettings: new Dictionary<string, string> { ["RateLimits__StorefrontStore__PermitLimit"] = "1000000" });
        using var client = await StartClientAsync(settings);
        var store = await CreateStoreAsync(cluster);
        var first = cluster.Silos.Single();
        // Stocking went through the stock entries: deactivate them all (their state is in PostgreSQL), so that
        // every entry activates when shoppers first reach it, on whichever silos exist at that moment.
        await client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);

        var load = SkuLoad.Start(cluster, store.Host, Skus("A", SkusBefore));
        await Task.Delay(TimeSpan.FromSeconds(5));
        var before = await StockActivationsAsync(client, cluster.Silos);

        // Scale out: two silos join while the shoppers keep buying, and are ready (Active, PostgreSQL answering).
        var scaledOutAt = cluster.Clock.Elapsed;
        var runDirectory = Artifacts.RunDirectory(nameof(Reserve_WhenTwoSilosJoinAndLeaveUnderLoad_FailsNothingKeepsEveryReservationAndSpreadsNewGrains));
        var healthPorts = new Dictionary<int, int> { [2] = ports[5], [3] = ports[6] };
        var added = await Task.WhenAll(new[] { 2, 3 }.Select(index => SiloProcess.StartAsync(
            runDirectory, index, (ports[(2 * index) - 3], ports[(2 * index) - 2]), settings,
            new Dictionary<string, string> { ["Health__Port"] = healthPorts[index].ToString(CultureInfo.InvariantCulture) })));
        await Task.WhenAll(added.Select(silo => WaitUntilReadyAsync(healthPorts[silo.Index])));
        var readyAfter = cluster.Clock.Elapsed - scaledOutAt;

        // The spike's new products: their stock entries activate now, across all three silos.
        load.SwitchTo(Skus("B", SkusAfter));
        await Task.Delay(TimeSpan.FromSeconds(7));
        var scaledOut = await StockActivationsAsync(client, [first, .. added]);

        // Scale in: one silo at a time, SIGTERM as Kubernetes sends it; shoppers keep buying the same products,
        // whose entries on the leaving silos deactivate and come back on the remaining ones from PostgreSQL.
        var scaledInAt = cluster.Clock.Elapsed;
        var stopTimes = new List<string>();
        foreach (var silo in added.Reverse())
        {
            var stopping = cluster.Clock.Elapsed;
            await silo.StopAsync(TimeSpan.FromSeconds(40));
            stopTimes.Add($"silo {silo.Index} exited {silo.ExitCode} after {(cluster.Clock.Elapsed - stopping).TotalSeconds:F1} s");
        }

        await Task.Delay(TimeSpan.FromSeconds(3));
        var result = await load.StopAsync();
        var scaledIn = await StockActivationsAsync(client, [first]);
        var metrics = await ScrapeAsync(ports[0]);

        output.WriteLine($"Stock-grain activations per silo, before scale-out (1 silo, {SkusBefore} SKUs): {Describe(before)}");
        output.WriteLine($"New silos ready {readyAfter.TotalSeconds:F1} s after they were started under load.");
        output.WriteLine($"After scale-out and {SkusAfter} new SKUs: {Describe(scaledOut)}");
        output.WriteLine($"Scale-in: {string.Join("; ", stopTimes)}.");
        output.WriteLine($"After scale-in: {Describe(scaledIn)}");
        output.WriteLine(result.Summarize(scaledOutAt, scaledInAt));
        output.WriteLine($"Silo 1's /metrics at the end: {string.Join("; ", metrics)}");

        Assert.Empty(result.Failed.Select(attempt => $"{attempt.Status} {attempt.Error}").Distinct());
        Assert.All(added, silo => Assert.Equal(0, silo.ExitCode));
        Assert.All(added, silo => Assert.True(scaledOut[silo.Index].B > 0, $"Silo {silo.Index} got no stock activations: {Describe(scaledOut)}"));
        Assert.Equal(new Activations(SkusBefore, 0), before[first.Index]);
        await AssertEveryReservationStoredAsync(cluster, store.Tenant, store.Host, result);
        // The journal's instruments are fed by the PostgreSQL journal only: a cluster silo is where they show.
        Assert.All(["multistore_stock_reservations_total", "multistore_stock_journal_write_duration_seconds_count", "multistore_stock_group_commit_size_count"],
            name => Assert.Contains(metrics, line => line.StartsWith(name, StringComparison.Ordinal)));
    }

    /// <summary>The silo's Prometheus page, reduced to MultiStore's totals and counts (one line per series).</summary>
    private static async Task<IReadOnlyList<string>> ScrapeAsync(int healthPort)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var page = await http.GetStringAsync($"http://127.0.0.1:{healthPort.ToString(CultureInfo.InvariantCulture)}/metrics");
        return [.. page.Split('\n').Where(line => line.StartsWith("multistore_", StringComparison.Ordinal) &&
                                                 (line.Contains("_total", StringComparison.Ordinal) || line.Contains("_count", StringComparison.Ordinal) || line.Contains("_sum", StringComparison.Ordinal)))];
    }

    private static IReadOnlyList<string> Skus(string prefix, int count) =>
        [.. Enumerable.Range(0, count).Select(i => $"{prefix}-{i.ToString("D3", CultureInfo.InvariantCulture)}")];

    private static string Describe(IReadOnlyDictionary<int, Activations> activations) =>
        string.Join(", ", activations.OrderBy(pair => pair.Key).Select(pair => $"silo {pair.Key}: {pair.Value}"));

    /// <summary>A store of its own with every SKU of both phases stocked in zone <c>main</c>, through the Api.</summary>
    private static async Task<(string Tenant, string Host)> CreateStoreAsync(LocalCluster cluster)
    {
        var seed = await cluster.CreateStoreAsync(OnHand, "A-000");
        var owner = await ApiProcess.TokenAsync("owner", seed.TenantId);
        var skus = Skus("A", SkusBefore).Skip(1).Concat(Skus("B", SkusAfter)).ToList();
        await Parallel.ForEachAsync(skus, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (sku, cancellation) =>
        {
            using var stock = new HttpRequestMessage(HttpMethod.Put, $"admin/stock/{sku}/{TestStore.Zone}") { Content = JsonContent.Create(new { onHand = OnHand }) };
            stock.Headers.Host = seed.Host;
            stock.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner);
            using var response = await cluster.Http.SendAsync(stock, cancellation);
            response.EnsureSuccessStatusCode();
        });

        return (seed.TenantId, seed.Host);
    }

    private static async Task<IHost> StartClientAsync(ClusterSettings settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleansClient(client => client.UseRedisCluster(new MultiStoreClusterOptions
        {
            ClusterId = settings.ClusterId,
            ServiceId = settings.ServiceId,
            RedisConnectionString = settings.Redis,
        }));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    /// <summary>Stock-entry activations per silo (by index) and by SKU set (A: before the spike, B: the spike's), from Orleans' management grain.</summary>
    private static async Task<IReadOnlyDictionary<int, Activations>> StockActivationsAsync(IHost client, IReadOnlyList<SiloProcess> silos)
    {
        var management = client.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0);
        var statistics = await management.GetDetailedGrainStatistics();
        // Orleans names the type with its assembly ("Namespace.Type,Assembly"): match on the full name.
        var stockType = typeof(StockGrain).FullName!;
        var stock = statistics.Where(s => s.GrainType == stockType || s.GrainType.StartsWith(stockType + ",", StringComparison.Ordinal)).ToList();
        if (stock.Count == 0)
        {
            throw new InvalidOperationException($"No {stockType} in the grain statistics; types seen: {string.Join(", ", statistics.Select(s => s.GrainType).Distinct())}.");
        }

        return silos.ToDictionary(silo => silo.Index, silo =>
        {
            var skus = stock.Where(s => s.SiloAddress.Endpoint.Port == silo.SiloPort)
                .Select(s => Grains.Interfaces.Tenancy.TenantKey.Parse(s.GrainId.Key.ToString()!).EntityId)
                .ToList();
            return new Activations(skus.Count(sku => sku.StartsWith("A-", StringComparison.Ordinal)), skus.Count(sku => sku.StartsWith("B-", StringComparison.Ordinal)));
        });
    }

    /// <summary>Stock entries active on one silo: of the SKUs bought before the spike (A) and of the spike's (B).</summary>
    private sealed record Activations(int A, int B)
    {
        public int Total => A + B;

        public override string ToString() => $"{Total} ({A} A + {B} B)";
    }

    /// <summary>The silo's own readiness endpoint (Health:Port): Active in the cluster and PostgreSQL answering.</summary>
    private static async Task WaitUntilReadyAsync(int healthPort)
    {
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{healthPort}/"), Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
            {
                // Not listening or not answering yet.
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"The silo on health port {healthPort} was not ready within 60 s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Every acknowledged reservation is held by its SKU's stock entry in PostgreSQL, and nothing else is.</summary>
    private static async Task AssertEveryReservationStoredAsync(LocalCluster cluster, string tenant, string host, SkuLoadResult result)
    {
        var missing = new List<string>();
        var unexpected = 0;
        var held = 0;
        foreach (var sku in result.Acknowledged.GroupBy(attempt => attempt.Sku))
        {
            var stock = await cluster.StoredStockAsync(new TestStore(tenant, host, sku.Key, OnHand));
            var acknowledged = sku.Select(attempt => attempt.ReservationId!).ToHashSet(StringComparer.Ordinal);
            missing.AddRange(acknowledged.Where(id => !stock.Held.ContainsKey(id)));
            unexpected += stock.Held.Keys.Count(id => !acknowledged.Contains(id));
            held += stock.Held.Count;
        }

        cluster.Report($"Read back: {result.Acknowledged.Count()} acknowledged reservations over {result.Acknowledged.Select(a => a.Sku).Distinct().Count()} SKUs; " +
                       $"{held} held in PostgreSQL; acknowledged but not held: {missing.Count}; held without an acknowledgement: {unexpected}.");
        Assert.True(missing.Count == 0, $"Acknowledged but not stored: {string.Join(", ", missing.Take(5))}");
        Assert.Equal(0, unexpected);
    }
}
