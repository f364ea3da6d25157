using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using MultiStore.Api.Hosting;

namespace MultiStore.Api.Tests.Hosting;

/// <summary>
/// The storefront's whole chain, asked as the rate limiting middleware asks it: a try without waiting, then, if that
/// is refused, a second ask willing to queue. Each request must cost each window one permit, whether it is served at
/// once, queued then served, or refused (then none).
/// </summary>
public sealed class StorefrontLimiterTests : IDisposable
{
    private const string ClientHeader = "X-Client";
    private const int ClientLimit = 3;
    private const int StoreLimit = 10;

    private readonly FakeTimeProvider _time = new();
    private readonly Dictionary<string, FixedWindowLimiter> _clientWindows = [];
    private readonly FixedWindowLimiter _storeWindow;
    private readonly StorefrontLimiter _limiter;

    public StorefrontLimiterTests()
    {
        _storeWindow = new FixedWindowLimiter(StoreLimit, TimeSpan.FromHours(1), _time);
        _limiter = new StorefrontLimiter(
            new StorefrontWindows(
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    RateLimitPartition.Get(ClientOf(context), ClientWindow)),
                PartitionedRateLimiter.Create<HttpContext, string>(_ => RateLimitPartition.Get("store", _ => _storeWindow))),
            PartitionedRateLimiter.Create<HttpContext, string>(_ => RateLimitPartition.GetConcurrencyLimiter(
                "store",
                _ => new ConcurrencyLimiterOptions { PermitLimit = 1, QueueLimit = 1, QueueProcessingOrder = QueueProcessingOrder.OldestFirst })));
    }

    [Fact]
    public async Task Acquire_QueuedBehindABusyStoreThenServed_CostsEachWindowOnePermit()
    {
        using var first = await AsTheMiddlewareAsync("a");
        Assert.True(first.IsAcquired);

        var queued = AsTheMiddlewareAsync("b");
        Assert.False(queued.IsCompleted);
        first.Dispose();
        using var served = await queued;

        Assert.True(served.IsAcquired);
        Assert.Equal(ClientLimit - 1, AvailableTo("b"));
        Assert.Equal(StoreLimit - 2, Available(_storeWindow));
    }

    [Fact]
    public async Task Acquire_RefusedByAFullQueue_CostsNoWindowAPermit()
    {
        using var first = await AsTheMiddlewareAsync("a");
        var queued = AsTheMiddlewareAsync("b");

        for (var i = 0; i < 4; i++)
        {
            using var refused = await AsTheMiddlewareAsync("c");
            Assert.False(refused.IsAcquired);
        }

        Assert.Equal(ClientLimit, AvailableTo("c"));
        Assert.Equal(StoreLimit - 2, Available(_storeWindow));
        first.Dispose();
        (await queued).Dispose();
    }

    [Fact]
    public async Task Acquire_AbandonedWhileQueued_GivesTheWindowsTheirPermitsBack()
    {
        using var first = await AsTheMiddlewareAsync("a");
        using var abandon = new CancellationTokenSource();
        var queued = AsTheMiddlewareAsync("b", abandon.Token);

        await abandon.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await queued);
        Assert.Equal(ClientLimit, AvailableTo("b"));
        Assert.Equal(StoreLimit - 1, Available(_storeWindow));
    }

    [Fact]
    public async Task Acquire_ServedAtOnce_CostsEachWindowOnePermit_AndGivesTheSlotBackWhenDone()
    {
        using (var served = await AsTheMiddlewareAsync("a"))
        {
            Assert.True(served.IsAcquired);
        }

        using var next = await AsTheMiddlewareAsync("a");

        Assert.True(next.IsAcquired);
        Assert.Equal(ClientLimit - 2, AvailableTo("a"));
        Assert.Equal(StoreLimit - 2, Available(_storeWindow));
    }

    public void Dispose()
    {
        _limiter.Dispose();
        _storeWindow.Dispose();
        foreach (var window in _clientWindows.Values)
        {
            window.Dispose();
        }
    }

    /// <summary>What ASP.NET Core's rate limiting middleware does with its global limiter.</summary>
    private async Task<RateLimitLease> AsTheMiddlewareAsync(string client, CancellationToken cancellationToken = default)
    {
        var request = Request(client);
        var lease = _limiter.AttemptAcquire(request);
        if (lease.IsAcquired)
        {
            return lease;
        }

        lease.Dispose();
        return await _limiter.AcquireAsync(request, cancellationToken: cancellationToken);
    }

    private FixedWindowLimiter ClientWindow(string key)
    {
        var window = new FixedWindowLimiter(ClientLimit, TimeSpan.FromHours(1), _time);
        _clientWindows.Add(key, window);
        return window;
    }

    private long AvailableTo(string client) =>
        _clientWindows.TryGetValue($"client:{client}", out var window) ? Available(window) : ClientLimit;

    private static long Available(FixedWindowLimiter window) => window.GetStatistics()!.CurrentAvailablePermits;

    private static string ClientOf(HttpContext context) => $"client:{context.Request.Headers[ClientHeader]}";

    private static DefaultHttpContext Request(string client)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[ClientHeader] = client;
        return context;
    }
}
