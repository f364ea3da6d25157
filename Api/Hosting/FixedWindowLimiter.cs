using System.Threading.RateLimiting;

namespace MultiStore.Api.Hosting;

/// <summary>
/// At most <c>permitLimit</c> permits per window, windows following one another from the first request. Unlike the
/// framework's <see cref="FixedWindowRateLimiter"/>, whose refusal says to wait a whole window however little of it is
/// left, a refusal here carries the time until the window that refused it ends (<see cref="MetadataName.RetryAfter"/>),
/// and a permit taken can be given back (<see cref="Lease.GiveBack"/>) when a later limit refuses the request.
/// </summary>
public sealed class FixedWindowLimiter : ReplenishingRateLimiter
{
    private readonly Lock _lock = new();
    private readonly int _permitLimit;
    private readonly TimeSpan _window;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private long _windowIndex;
    private int _used;
    private long _granted;
    private long _refused;

    public FixedWindowLimiter(int permitLimit, TimeSpan window, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(permitLimit, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        (_permitLimit, _window, _time) = (permitLimit, window, time);
        _origin = time.GetTimestamp();
    }

    /// <summary>The window moves on by itself, at the first call after it ends; nothing needs a timer.</summary>
    public override bool IsAutoReplenishing => true;

    public override TimeSpan ReplenishmentPeriod => _window;

    /// <summary>Idle (and so free to drop) once the current window has no permit taken.</summary>
    public override TimeSpan? IdleDuration
    {
        get
        {
            lock (_lock)
            {
                var elapsed = MoveOn(_time.GetTimestamp());
                return _used == 0 ? elapsed - (_window * _windowIndex) : null;
            }
        }
    }

    public override bool TryReplenish() => false;

    public override RateLimiterStatistics? GetStatistics()
    {
        lock (_lock)
        {
            _ = MoveOn(_time.GetTimestamp());
            return new RateLimiterStatistics
            {
                CurrentAvailablePermits = _permitLimit - _used,
                CurrentQueuedCount = 0,
                TotalSuccessfulLeases = _granted,
                TotalFailedLeases = _refused,
            };
        }
    }

    protected override RateLimitLease AttemptAcquireCore(int permitCount)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(permitCount, _permitLimit);
        lock (_lock)
        {
            var elapsed = MoveOn(_time.GetTimestamp());
            // Asking for none is asking whether any is left, as the framework's limiters answer it.
            if (permitCount == 0 ? _used < _permitLimit : _used + permitCount <= _permitLimit)
            {
                _used += permitCount;
                _granted++;
                return new Lease(this, _windowIndex, permitCount);
            }

            _refused++;
            return new Refusal((_window * (_windowIndex + 1)) - elapsed);
        }
    }

    /// <summary>No queue: a request waits for no window.</summary>
    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        new(AttemptAcquireCore(permitCount));

    /// <summary>Moves to the window <paramref name="now"/> falls in (windows follow one another from the first request); returns the time since then.</summary>
    private TimeSpan MoveOn(long now)
    {
        var elapsed = _time.GetElapsedTime(_origin, now);
        var index = elapsed.Ticks / _window.Ticks;
        if (index != _windowIndex)
        {
            (_windowIndex, _used) = (index, 0);
        }

        return elapsed;
    }

    private void GiveBack(long windowIndex, int permitCount)
    {
        lock (_lock)
        {
            // A permit of a window already over is worth nothing: the new window started full.
            _ = MoveOn(_time.GetTimestamp());
            if (windowIndex == _windowIndex)
            {
                _used = Math.Max(0, _used - permitCount);
            }
        }
    }

    /// <summary>A permit granted; holding it costs nothing, since a window's permits come back only with the next window.</summary>
    public sealed class Lease(FixedWindowLimiter limiter, long windowIndex, int permitCount) : GrantedLease
    {
        private int _givenBack;

        /// <summary>Returns the permit to its window (once), for a request that another limit refused.</summary>
        public void GiveBack()
        {
            if (Interlocked.Exchange(ref _givenBack, 1) == 0)
            {
                limiter.GiveBack(windowIndex, permitCount);
            }
        }
    }

    private sealed class Refusal(TimeSpan retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}
