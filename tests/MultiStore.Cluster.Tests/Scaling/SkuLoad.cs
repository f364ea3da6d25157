using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MultiStore.Cluster.Tests.Hosting;

namespace MultiStore.Cluster.Tests.Scaling;

/// <summary>One shopper's request: a fresh cart reserving one unit of <paramref name="Sku"/> (status 0: no HTTP answer).</summary>
public sealed record SkuAttempt(string Sku, string CartId, TimeSpan StartedAt, TimeSpan EndedAt, int Status, string? ReservationId, string? Error)
{
    public bool Acknowledged => Status == 200 && ReservationId is not null;
}

/// <summary>
/// <see cref="Shoppers"/> shoppers, each in a loop: a fresh cart, <c>PUT /api/carts/{cart}/items/{sku}</c> with
/// quantity 1 for a SKU drawn from the current set (spread evenly: shopper i takes the SKUs i, i+64, ...). No retries:
/// the scaling test asserts that nothing fails, so a failure is recorded as it is.
/// </summary>
public sealed class SkuLoad
{
    public const int Shoppers = 64;

    private readonly LocalCluster _cluster;
    private readonly string _host;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<List<SkuAttempt>[]> _shoppers;
    private volatile IReadOnlyList<string> _skus;

    private SkuLoad(LocalCluster cluster, string host, IReadOnlyList<string> skus)
    {
        _cluster = cluster;
        _host = host;
        _skus = skus;
        _shoppers = Task.WhenAll(Enumerable.Range(0, Shoppers).Select(shopper => Task.Run(() => ShopAsync(shopper))));
    }

    public static SkuLoad Start(LocalCluster cluster, string host, IReadOnlyList<string> skus) => new(cluster, host, skus);

    /// <summary>From now on shoppers buy from <paramref name="skus"/>.</summary>
    public void SwitchTo(IReadOnlyList<string> skus) => _skus = skus;

    public async Task<SkuLoadResult> StopAsync()
    {
        await _stop.CancelAsync();
        return new SkuLoadResult([.. (await _shoppers).SelectMany(attempts => attempts).OrderBy(attempt => attempt.EndedAt)]);
    }

    private async Task<List<SkuAttempt>> ShopAsync(int shopper)
    {
        var attempts = new List<SkuAttempt>();
        for (var turn = 0; !_stop.IsCancellationRequested; turn++)
        {
            var skus = _skus;
            attempts.Add(await ReserveAsync(skus[((turn * Shoppers) + shopper) % skus.Count]));
        }

        return attempts;
    }

    private async Task<SkuAttempt> ReserveAsync(string sku)
    {
        var cartId = Guid.NewGuid().ToString("D");
        var startedAt = _cluster.Clock.Elapsed;
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/carts/{cartId}/items/{sku}")
        {
            Content = JsonContent.Create(new { quantity = 1, zone = TestStore.Zone }),
        };
        request.Headers.Host = _host;
        try
        {
            using var response = await _cluster.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            string? reservationId = null;
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var json = JsonDocument.Parse(body);
                reservationId = json.RootElement.GetProperty("lines").EnumerateArray()
                    .Single(line => line.GetProperty("sku").GetString() == sku).GetProperty("reservationId").GetString();
            }

            return new SkuAttempt(sku, cartId, startedAt, _cluster.Clock.Elapsed, (int)response.StatusCode, reservationId,
                response.StatusCode == HttpStatusCode.OK ? null : body.Length > 200 ? body[..200] : body);
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
        {
            return new SkuAttempt(sku, cartId, startedAt, _cluster.Clock.Elapsed, 0, null, $"{error.GetType().Name}: {error.Message}");
        }
    }
}

/// <summary>Every answer of a <see cref="SkuLoad"/>, in the order they came.</summary>
public sealed record SkuLoadResult(IReadOnlyList<SkuAttempt> Attempts)
{
    public IEnumerable<SkuAttempt> Acknowledged => Attempts.Where(attempt => attempt.Acknowledged);

    public IEnumerable<SkuAttempt> Failed => Attempts.Where(attempt => !attempt.Acknowledged);

    /// <summary>Counts and rates before, during and after the scale-out and scale-in, and the slowest answers.</summary>
    public string Summarize(TimeSpan scaledOutAt, TimeSpan scaledInAt)
    {
        string Phase(string name, Func<SkuAttempt, bool> inPhase)
        {
            var attempts = Attempts.Where(inPhase).ToList();
            if (attempts.Count == 0)
            {
                return $"{name}: none";
            }

            var seconds = (attempts.Max(a => a.EndedAt) - attempts.Min(a => a.StartedAt)).TotalSeconds;
            var latencies = attempts.Select(a => (a.EndedAt - a.StartedAt).TotalMilliseconds).Order().ToList();
            return $"{name}: {attempts.Count} requests ({attempts.Count / Math.Max(seconds, 0.001):F0}/s), {attempts.Count(a => !a.Acknowledged)} failed, " +
                   $"p50 {latencies[latencies.Count / 2]:F0} ms, p99 {latencies[(int)(latencies.Count * 0.99)]:F0} ms, max {latencies[^1]:F0} ms";
        }

        return $"{SkuLoad.Shoppers} shoppers, {Attempts.Count} requests over {Attempts.Select(a => a.Sku).Distinct().Count()} SKUs. " +
               Phase("1 silo", a => a.StartedAt < scaledOutAt) + "; " +
               Phase("scale-out to 3", a => a.StartedAt >= scaledOutAt && a.StartedAt < scaledInAt) + "; " +
               Phase("scale-in to 1", a => a.StartedAt >= scaledInAt) + ".";
    }
}
