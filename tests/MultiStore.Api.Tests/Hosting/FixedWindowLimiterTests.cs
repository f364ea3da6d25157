using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using MultiStore.Api.Hosting;

namespace MultiStore.Api.Tests.Hosting;

/// <summary>The fixed window behind every rate limit: what a refusal tells the client to wait, and windows rolling on.</summary>
public sealed class FixedWindowLimiterTests
{
    [Fact]
    public void AttemptAcquire_WhenTheWindowIsSpent_RetryAfterIsWhatIsLeftOfIt()
    {
        var time = new FakeTimeProvider();
        using var limiter = new FixedWindowLimiter(2, TimeSpan.FromSeconds(60), time);
        limiter.AttemptAcquire().Dispose();
        limiter.AttemptAcquire().Dispose();

        time.Advance(TimeSpan.FromSeconds(57));
        using var refused = limiter.AttemptAcquire();

        // 3 s are left of the window: a client told to wait the whole 60 s would wait 57 s too long.
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(3), retryAfter);
    }

    [Fact]
    public void AttemptAcquire_InALaterWindow_HasItsPermitsAgain_AndItsEndIsCountedFromTheFirstWindow()
    {
        var time = new FakeTimeProvider();
        using var limiter = new FixedWindowLimiter(1, TimeSpan.FromSeconds(10), time);
        limiter.AttemptAcquire().Dispose();

        time.Advance(TimeSpan.FromSeconds(24));
        using var granted = limiter.AttemptAcquire();
        using var refused = limiter.AttemptAcquire();

        Assert.True(granted.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.Equal(TimeSpan.FromSeconds(6), retryAfter);
    }

    [Fact]
    public void GiveBack_ReturnsThePermitToItsWindowOnce_ButNotToALaterWindow()
    {
        var time = new FakeTimeProvider();
        using var limiter = new FixedWindowLimiter(2, TimeSpan.FromSeconds(10), time);
        var first = Assert.IsType<FixedWindowLimiter.Lease>(limiter.AttemptAcquire());
        first.GiveBack();
        first.GiveBack();
        Assert.Equal(2, limiter.GetStatistics()!.CurrentAvailablePermits);

        var old = Assert.IsType<FixedWindowLimiter.Lease>(limiter.AttemptAcquire());
        time.Advance(TimeSpan.FromSeconds(10));
        limiter.AttemptAcquire().Dispose();
        old.GiveBack();
        Assert.Equal(1, limiter.GetStatistics()!.CurrentAvailablePermits);
    }
}
