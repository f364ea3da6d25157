using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using MultiStore.Cluster.Tests.Hosting;

namespace MultiStore.Cluster.Tests.Failover;

/// <summary>One HTTP answer a shopper got (or the transport error instead of one).</summary>
/// <param name="Try">1 for a cart's first request, then 2, 3... for retries of the same cart and line.</param>
/// <param name="ReservationId">From a 200: the reservation the line holds.</param>
public sealed record Attempt(
    string CartId,
    int Try,
    TimeSpan StartedAt,
    TimeSpan EndedAt,
    int Status,
    string? ReservationId,
    string? ContentType,
    string? RetryAfter,
    string? ProblemCode,
    string? Error)
{
    public bool Acknowledged => Status == 200;
}

/// <summary>
/// Shoppers reserving one unit of a store's hot SKU over HTTP, each in a loop: a fresh cart, <c>PUT
/// /api/carts/{cart}/items/{sku}</c> with quantity 1, and after any answer but 200 the same request again for the
/// same cart (a shopper whose acknowledgement was lost retries), 200 ms later, until it is acknowledged. When the
/// load stops, a shopper finishes its cart first, so every cart anyone started ends acknowledged (or is reported).
/// The pause after a failure is shorter than the 1 s <c>Retry-After</c> on purpose: the test measures when the
/// service is back, and shoppers that wait a full second would blur that by up to a second. Between carts a
/// shopper thinks for <see cref="ThinkTime"/>: without it 200 shoppers saturate two cores, every request queues
/// for a second or more, and a scheduling hiccup alone pushes some past the Api's 3 s timeout.
/// </summary>
public sealed class ShopperLoad
{
    public const int Shoppers = 200;

    /// <summary>How long the load runs before an incident: every shopper is past its first request by then.</summary>
    public static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan RetryPause = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ThinkTime = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan FinishCartsWithin = TimeSpan.FromSeconds(30);

    private readonly LocalCluster _cluster;
    private readonly TestStore _store;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<Attempt[][]> _shoppers;
    private readonly List<string> _unfinished = [];

    private ShopperLoad(LocalCluster cluster, TestStore store)
    {
        _cluster = cluster;
        _store = store;
        _shoppers = Task.WhenAll(Enumerable.Range(0, Shoppers).Select(_ => Task.Run(ShopAsync)));
    }

    public static ShopperLoad Start(LocalCluster cluster, TestStore store) => new(cluster, store);

    /// <summary>Stops starting new carts, lets every shopper finish the one in hand and returns every attempt.</summary>
    public async Task<LoadResult> StopAsync()
    {
        var stoppedAt = _cluster.Clock.Elapsed;
        await _stop.CancelAsync();
        var attempts = (await _shoppers).SelectMany(shopper => shopper).OrderBy(attempt => attempt.EndedAt).ToList();
        return new LoadResult(attempts, stoppedAt, [.. _unfinished]);
    }

    private async Task<Attempt[]> ShopAsync()
    {
        var attempts = new List<Attempt>();
        while (!_stop.IsCancellationRequested)
        {
            var cartId = Guid.NewGuid().ToString("D");
            var startedAt = _cluster.Clock.Elapsed;
            for (var attempt = 1; ; attempt++)
            {
                var answer = await PutLineAsync(cartId, attempt);
                attempts.Add(answer);
                if (answer.Acknowledged)
                {
                    break;
                }

                if (_stop.IsCancellationRequested && _cluster.Clock.Elapsed - startedAt > FinishCartsWithin)
                {
                    lock (_unfinished)
                    {
                        _unfinished.Add(cartId);
                    }

                    break;
                }

                await Task.Delay(RetryPause, CancellationToken.None);
            }

            await Task.Delay(ThinkTime, CancellationToken.None);
        }

        return [.. attempts];
    }

    private async Task<Attempt> PutLineAsync(string cartId, int attempt)
    {
        var startedAt = _cluster.Clock.Elapsed;
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/carts/{cartId}/items/{_store.Sku}")
        {
            Content = JsonContent.Create(new { quantity = 1, zone = TestStore.Zone }),
        };
        request.Headers.Host = _store.Host;
        try
        {
            using var response = await _cluster.Http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var contentType = response.Content.Headers.ContentType?.MediaType;
            var retryAfter = response.Headers.RetryAfter?.ToString();
            string? reservationId = null;
            string? problemCode = null;
            using (var json = TryParse(body))
            {
                if (response.StatusCode == HttpStatusCode.OK && json is not null)
                {
                    reservationId = json.RootElement.GetProperty("lines").EnumerateArray()
                        .Single(line => line.GetProperty("sku").GetString() == _store.Sku)
                        .GetProperty("reservationId").GetString();
                }
                else if (json is not null && json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("code", out var code))
                {
                    problemCode = code.GetString();
                }
            }

            return new Attempt(cartId, attempt, startedAt, _cluster.Clock.Elapsed, (int)response.StatusCode, reservationId, contentType, retryAfter, problemCode, null);
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
        {
            return new Attempt(cartId, attempt, startedAt, _cluster.Clock.Elapsed, 0, null, null, null, null, $"{error.GetType().Name}: {error.Message}");
        }
    }

    private static JsonDocument? TryParse(string body)
    {
        try
        {
            return body.Length == 0 ? null : JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Every attempt of a load, in the order the answers came, and the carts that never got a 200.</summary>
public sealed record LoadResult(IReadOnlyList<Attempt> Attempts, TimeSpan StoppedAt, IReadOnlyList<string> Unfinished)
{
    public IEnumerable<Attempt> Acknowledged => Attempts.Where(attempt => attempt.Acknowledged);

    public IEnumerable<Attempt> Failed => Attempts.Where(attempt => !attempt.Acknowledged);

    /// <summary>Answers that were neither 200 nor a proper 503 (problem+json with Retry-After): each one is a defect.</summary>
    public IEnumerable<Attempt> Improper => Failed.Where(attempt =>
        attempt.Status != 503 || attempt.ContentType != "application/problem+json" || string.IsNullOrEmpty(attempt.RetryAfter));

    /// <summary>
    /// The longest time without a single acknowledgement, from the last one before <paramref name="incidentAt"/>
    /// on: with 200 shoppers retrying, that is how long the store looked down. Infinite when nothing was
    /// acknowledged after the incident.
    /// </summary>
    public TimeSpan LongestGapAfter(TimeSpan incidentAt)
    {
        var times = Acknowledged.Select(attempt => attempt.EndedAt).Order().ToList();
        if (!times.Any(time => time > incidentAt))
        {
            return TimeSpan.MaxValue;
        }

        var from = times.Where(time => time <= incidentAt).DefaultIfEmpty(incidentAt).Max();
        var window = times.Where(time => time >= from).ToList();
        return window.Zip(window.Skip(1), (earlier, later) => later - earlier).DefaultIfEmpty(TimeSpan.Zero).Max();
    }

    /// <summary>A one-paragraph account for the test output: counts, failures by kind, and a per-second timeline.</summary>
    public string Summarize(TimeSpan incidentAt, string incident)
    {
        var failures = Failed.GroupBy(attempt => attempt.Error is { } error ? error.Split(':')[0] : $"{attempt.Status} {attempt.ProblemCode}")
            .Select(group => $"{group.Count()} × {group.Key}");
        var lastSecond = (int)Math.Ceiling((StoppedAt - incidentAt).TotalSeconds);
        var timeline = string.Join(" ", Enumerable.Range(-2, lastSecond + 3).Select(second =>
        {
            var ended = Attempts.Where(attempt => (int)Math.Floor((attempt.EndedAt - incidentAt).TotalSeconds) == second).ToList();
            return $"[{second:+0;-0}s {ended.Count(attempt => attempt.Acknowledged)}/{ended.Count(attempt => !attempt.Acknowledged)}]";
        }));
        var gap = LongestGapAfter(incidentAt);
        return $"{incident}: {Attempts.Count} answers to {ShopperLoad.Shoppers} shoppers, {Acknowledged.Count()} acknowledged (200), " +
               $"{Failed.Count()} not ({string.Join(", ", failures)}); retried carts: {Attempts.Where(a => a.Try > 1).Select(a => a.CartId).Distinct().Count()}; " +
               $"500s: {Attempts.Count(a => a.Status == 500)}; longest time without an acknowledgement: " +
               $"{(gap == TimeSpan.MaxValue ? "∞" : $"{gap.TotalSeconds:F2} s")}; acknowledged/failed by second from the incident: {timeline}";
    }
}
