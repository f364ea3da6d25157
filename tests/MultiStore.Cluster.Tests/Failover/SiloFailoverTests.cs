using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MultiStore.Cluster.Tests.Hosting;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Stock;
using Xunit.Abstractions;

namespace MultiStore.Cluster.Tests.Failover;

/// <summary>
/// Three real silo processes (Redis membership, PostgreSQL state) and a cluster client wired like the Api's
/// (<see cref="ClientBuilderExtensions.UseRedisCluster"/>), with shoppers hammering one hot SKU while a silo dies.
/// </summary>
public sealed class SiloFailoverTests(ITestOutputHelper output)
{
    private const int OnHand = 100_000;
    private const int Shoppers = 200;

    [Fact]
    public async Task ReserveAsync_WhenTheHotSkusSiloIsKilled_ServesAgainWithinFiveSecondsAndKeepsEveryAcknowledgement()
    {
        await using var run = await ClusterRun.StartAsync(output, nameof(ReserveAsync_WhenTheHotSkusSiloIsKilled_ServesAgainWithinFiveSecondsAndKeepsEveryAcknowledgement));
        var victim = await run.HostOfHotSkuAsync();

        var load = run.StartLoad();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var killedAt = run.Clock.Elapsed;
        victim.Kill();
        await Task.Delay(TimeSpan.FromSeconds(12));
        var attempts = await run.StopLoadAsync(load);

        var report = Report(attempts, killedAt);
        output.WriteLine(report.Summary);
        await run.AssertEveryAcknowledgementStoredAsync(attempts);
        Assert.True(report.AnsweredAfterKill > 0, "Nothing was answered after the kill.");
        Assert.True(report.Outage <= TimeSpan.FromSeconds(5), $"Service was back only {report.Outage.TotalSeconds:F1} s after the kill.");
    }

    [Fact]
    public async Task ReserveAsync_WhenTheHotSkusSiloIsStoppedGracefully_FailsNoRequest()
    {
        await using var run = await ClusterRun.StartAsync(output, nameof(ReserveAsync_WhenTheHotSkusSiloIsStoppedGracefully_FailsNoRequest));
        var victim = await run.HostOfHotSkuAsync();

        var load = run.StartLoad();
        await Task.Delay(TimeSpan.FromSeconds(3));
        var stoppedAt = run.Clock.Elapsed;
        await victim.StopAsync(TimeSpan.FromSeconds(40));
        var stopTook = run.Clock.Elapsed - stoppedAt;
        await Task.Delay(TimeSpan.FromSeconds(5));
        var attempts = await run.StopLoadAsync(load);

        var report = Report(attempts, stoppedAt);
        output.WriteLine($"SIGTERM to exit: {stopTook.TotalSeconds:F1} s. {report.Summary}");
        await run.AssertEveryAcknowledgementStoredAsync(attempts);
        Assert.Empty(attempts.Where(a => a.Error is not null).Select(a => a.Error).Distinct());
    }

    /// <summary>
    /// Measures an incident from the shoppers' side. <see cref="FailoverReport.Outage"/> is the longest time without
    /// a single answer (acknowledged or sold out) from the last answer before the incident onwards: with every shopper
    /// retrying at once, that is how long the store looked down. Failures are counted by kind.
    /// </summary>
    private static FailoverReport Report(IReadOnlyList<Attempt> attempts, TimeSpan incidentAt)
    {
        var failures = attempts.Where(a => a.Error is not null).ToList();
        var answers = attempts.Where(a => a.Error is null).Select(a => a.EndedAt).Order().ToList();
        var lastBefore = answers.Where(t => t <= incidentAt).DefaultIfEmpty(incidentAt).Max();
        var outage = answers.Where(t => t >= lastBefore).Zip(answers.Where(t => t >= lastBefore).Skip(1), (a, b) => b - a)
            .DefaultIfEmpty(TimeSpan.MaxValue).Max();
        var answeredAfter = answers.Count(t => t > incidentAt);
        var timeline = string.Join(" ", Enumerable.Range(-1, 12).Select(second =>
        {
            var ended = attempts.Where(a => (int)Math.Floor((a.EndedAt - incidentAt).TotalSeconds) == second).ToList();
            return $"[{second:+0;-0}s {ended.Count(a => a.Error is null)}/{ended.Count(a => a.Error is not null)}]";
        }));
        var summary =
            $"{attempts.Count} attempts by {Shoppers} shoppers: {attempts.Count(a => a.Acknowledged)} acknowledged, {failures.Count} failed" +
            (failures.Count == 0 ? string.Empty : $" ({string.Join(", ", failures.GroupBy(a => a.Error).Select(g => $"{g.Count()} {g.Key}"))})") +
            $"; longest time without an answer: {outage.TotalSeconds:F2} s; answers/failures by second from the incident: {timeline}";
        return new FailoverReport(answeredAfter == 0 ? TimeSpan.MaxValue : outage, answeredAfter, summary);
    }

    private sealed record FailoverReport(TimeSpan Outage, int AnsweredAfterKill, string Summary);

    private sealed record Attempt(string ReservationId, TimeSpan StartedAt, TimeSpan EndedAt, bool Acknowledged, string? Error);

    /// <summary>One test's cluster: a database, three silo processes, a client and a hot SKU.</summary>
    private sealed class ClusterRun : IAsyncDisposable
    {
        private readonly ITestOutputHelper _output;
        private readonly TestDatabase _database;
        private readonly List<SiloProcess> _silos;
        private readonly IHost _client;
        private readonly string _serviceId;
        private readonly Grains.Interfaces.Tenancy.TenantId _tenant = DurableCluster.NewTenant();
        private CancellationTokenSource? _stopLoad;

        private ClusterRun(ITestOutputHelper output, TestDatabase database, List<SiloProcess> silos, IHost client, string serviceId)
        {
            _output = output;
            _database = database;
            _silos = silos;
            _client = client;
            _serviceId = serviceId;
        }

        public Stopwatch Clock { get; } = Stopwatch.StartNew();

        private IClusterClient Client => _client.Services.GetRequiredService<IClusterClient>();

        private IStockGrain HotSku => Client.GetGrain<IStockGrain>(DurableCluster.StockKey(_tenant, "HOT"));

        public static async Task<ClusterRun> StartAsync(ITestOutputHelper output, string testName)
        {
            var database = await TestDatabase.CreateAsync();
            var serviceId = DurableCluster.NewServiceId();
            var clusterId = $"c-{Guid.NewGuid():N}"[..12];
            var runDirectory = Path.Combine(ArtifactsDirectory(), testName);
            var started = Stopwatch.StartNew();
            var silos = (await Task.WhenAll(Enumerable.Range(1, 3).Select(i =>
                SiloProcess.StartAsync(runDirectory, i, clusterId, serviceId, database)))).ToList();
            output.WriteLine($"3 silo processes up in {started.Elapsed.TotalSeconds:F1} s (logs: {runDirectory}).");

            var builder = Host.CreateApplicationBuilder();
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            builder.UseOrleansClient(client => client.UseRedisCluster(
                new MultiStoreClusterOptions { ClusterId = clusterId, ServiceId = serviceId, RedisConnectionString = TestServices.Redis }));
            var client = builder.Build();
            await client.StartAsync();

            var run = new ClusterRun(output, database, silos, client, serviceId);
            using (DurableCluster.ActAs(run._tenant))
            {
                await run.HotSku.AdjustAsync(DurableCluster.SetOnHand(OnHand));
            }

            return run;
        }

        /// <summary>The silo process that hosts the hot SKU's activation (the one whose death hurts).</summary>
        public async Task<SiloProcess> HostOfHotSkuAsync()
        {
            var address = await Client.GetGrain<IManagementGrain>(0).GetActivationAddress(HotSku);
            return _silos.Single(silo => silo.SiloPort == address!.Endpoint.Port);
        }

        public Task<Attempt[][]> StartLoad()
        {
            _stopLoad = new CancellationTokenSource();
            var stop = _stopLoad.Token;
            return Task.WhenAll(Enumerable.Range(0, Shoppers).Select(shopper => Task.Run(async () =>
            {
                var attempts = new List<Attempt>();
                using var acting = DurableCluster.ActAs(_tenant);
                for (var n = 0; !stop.IsCancellationRequested; n++)
                {
                    var id = $"s{shopper}-{n}";
                    var startedAt = Clock.Elapsed;
                    try
                    {
                        var result = await HotSku.ReserveAsync(id, 1, TimeSpan.FromHours(1));
                        attempts.Add(new Attempt(id, startedAt, Clock.Elapsed, result.IsHeld, null));
                    }
                    catch (Exception error)
                    {
                        attempts.Add(new Attempt(id, startedAt, Clock.Elapsed, false, error.GetType().Name));
                        await Task.Delay(50, CancellationToken.None);
                    }
                }

                return attempts.ToArray();
            })));
        }

        public async Task<IReadOnlyList<Attempt>> StopLoadAsync(Task<Attempt[][]> load)
        {
            _stopLoad!.Cancel();
            return [.. (await load).SelectMany(attempts => attempts)];
        }

        /// <summary>Every acknowledged reservation is in PostgreSQL, and nothing beyond on-hand is held.</summary>
        public async Task AssertEveryAcknowledgementStoredAsync(IReadOnlyList<Attempt> attempts)
        {
            using var stored = await _database.StoredStateAsync(_serviceId, "stock", DurableCluster.StockKey(_tenant, "HOT"));
            var held = stored!.RootElement.GetProperty("Held").EnumerateObject().Select(p => p.Name).ToHashSet();
            var acknowledged = attempts.Where(a => a.Acknowledged).Select(a => a.ReservationId).ToList();
            var lost = acknowledged.Where(id => !held.Contains(id)).ToList();
            _output.WriteLine($"{acknowledged.Count} acknowledged, {held.Count} held in PostgreSQL, {lost.Count} acknowledged but not stored.");
            Assert.Empty(lost);
            Assert.True(held.Count <= OnHand);
        }

        public async ValueTask DisposeAsync()
        {
            _stopLoad?.Cancel();
            await _client.StopAsync();
            _client.Dispose();
            foreach (var silo in _silos)
            {
                await silo.DisposeAsync();
            }

            await _database.DisposeAsync();
        }

        private static string ArtifactsDirectory()
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "MultiStore.sln")))
            {
                directory = directory.Parent;
            }

            return Path.Combine(directory?.FullName ?? Path.GetTempPath(), ".artifacts", "cluster-tests");
        }
    }
}
