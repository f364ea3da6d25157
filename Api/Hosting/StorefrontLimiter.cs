using System.Threading.RateLimiting;

namespace MultiStore.Api.Hosting;

/// <summary>
/// The whole storefront limit: a request's two windows (<see cref="StorefrontWindows"/>), then a slot among its
/// store's requests in flight. Each request costs each window one permit, whether served at once, queued then served,
/// or refused (a refusal gives back what it took). The framework's chain cannot do that: the rate limiting middleware
/// first tries without waiting and, when the store has no free slot, asks again willing to queue; the chain would keep
/// the windows' permits of the first try and take them again for the second, so every request queued behind a busy
/// store would cost its client and its store two permits each.
/// </summary>
public sealed class StorefrontLimiter(StorefrontWindows windows, PartitionedRateLimiter<HttpContext> slots)
    : PartitionedRateLimiter<HttpContext>
{
    /// <summary>The store's slots and queue: what "how busy is this store" means right now.</summary>
    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => slots.GetStatistics(resource);

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        var permits = windows.AttemptAcquire(resource, permitCount);
        return permits.IsAcquired ? InFlight(permits, slots.AttemptAcquire(resource, permitCount)) : permits;
    }

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken)
    {
        var permits = await windows.AcquireAsync(resource, permitCount, cancellationToken);
        if (!permits.IsAcquired)
        {
            return permits;
        }

        RateLimitLease slot;
        try
        {
            slot = await slots.AcquireAsync(resource, permitCount, cancellationToken);
        }
        catch
        {
            // A client that gave up waiting in the queue was served nothing.
            GiveBack(permits);
            throw;
        }

        return InFlight(permits, slot);
    }

    protected override void Dispose(bool disposing)
    {
        // The slots are the store concurrency limiter the services own (its statistics are read from there); the
        // windows were made for this limiter alone.
        if (disposing)
        {
            windows.Dispose();
        }

        base.Dispose(disposing);
    }

    private static RateLimitLease InFlight(RateLimitLease permits, RateLimitLease slot)
    {
        if (slot.IsAcquired)
        {
            return new Admitted(permits, slot);
        }

        GiveBack(permits);
        return slot;
    }

    private static void GiveBack(RateLimitLease permits)
    {
        (permits as StorefrontWindows.Permits)?.GiveBack();
        permits.Dispose();
    }

    /// <summary>A request admitted: its windows' permits and its slot, which its end gives back to the store.</summary>
    private sealed class Admitted(RateLimitLease permits, RateLimitLease slot) : RateLimitLease
    {
        public override bool IsAcquired => true;

        public override IEnumerable<string> MetadataNames => slot.MetadataNames;

        public override bool TryGetMetadata(string metadataName, out object? metadata) => slot.TryGetMetadata(metadataName, out metadata);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                permits.Dispose();
                slot.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
