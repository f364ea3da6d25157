using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using MultiStore.Api.Hosting;

namespace MultiStore.Api.Tests.Hosting;

/// <summary>A storefront request's client window and store window, and which of them a refusal costs.</summary>
public sealed class StorefrontWindowsTests
{
    private const string ClientHeader = "X-Client";

    [Fact]
    public async Task AttemptAcquire_RefusedByTheStoresWindow_CostsTheShopperNoneOfTheirOwn()
    {
        var time = new FakeTimeProvider();
        using var windows = new StorefrontWindows(
            PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.Get($"client:{context.Request.Headers[ClientHeader]}", _ => new FixedWindowLimiter(2, TimeSpan.FromHours(1), time))),
            PartitionedRateLimiter.Create<HttpContext, string>(_ =>
                RateLimitPartition.Get("store", _ => new FixedWindowLimiter(1, TimeSpan.FromMinutes(1), time))));

        using (var first = windows.AttemptAcquire(Request("a")))
        {
            Assert.True(first.IsAcquired);
        }

        // The store is busy: the shopper is refused, by either path the rate limiting middleware takes.
        for (var i = 0; i < 3; i++)
        {
            using var refused = windows.AttemptAcquire(Request("b"));
            using var refusedWaiting = await windows.AcquireAsync(Request("b"));
            Assert.False(refused.IsAcquired);
            Assert.False(refusedWaiting.IsAcquired);
            Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) && retryAfter <= TimeSpan.FromMinutes(1));
        }

        // Once the store has room again, the shopper still has the whole of their own window.
        time.Advance(TimeSpan.FromMinutes(1));
        using (var again = windows.AttemptAcquire(Request("b")))
        {
            Assert.True(again.IsAcquired);
        }

        time.Advance(TimeSpan.FromMinutes(1));
        using var secondAgain = windows.AttemptAcquire(Request("b"));
        Assert.True(secondAgain.IsAcquired);
    }

    [Fact]
    public void AttemptAcquire_ClientOverItsOwnLimit_SpendsNoneOfTheStores()
    {
        var time = new FakeTimeProvider();
        using var windows = new StorefrontWindows(
            PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.Get($"client:{context.Request.Headers[ClientHeader]}", _ => new FixedWindowLimiter(1, TimeSpan.FromHours(1), time))),
            PartitionedRateLimiter.Create<HttpContext, string>(_ =>
                RateLimitPartition.Get("store", _ => new FixedWindowLimiter(2, TimeSpan.FromHours(1), time))));

        windows.AttemptAcquire(Request("greedy")).Dispose();
        for (var i = 0; i < 5; i++)
        {
            using var refused = windows.AttemptAcquire(Request("greedy"));
            Assert.False(refused.IsAcquired);
        }

        using var other = windows.AttemptAcquire(Request("other"));
        Assert.True(other.IsAcquired);
    }

    private static DefaultHttpContext Request(string client)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers[ClientHeader] = client;
        return context;
    }
}
