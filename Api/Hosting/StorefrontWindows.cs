using System.Threading.RateLimiting;

namespace MultiStore.Api.Hosting;

/// <summary>
/// A storefront request's two windows: its client's in its store, then its store's. The client's goes first so that a
/// client over its own limit spends none of its store's (else one client could use up the store for everyone); and
/// when the store's window refuses, the client's permit is given back, so a shopper turned away because the store is
/// busy keeps their own budget.
/// </summary>
public sealed class StorefrontWindows(PartitionedRateLimiter<HttpContext> clients, PartitionedRateLimiter<HttpContext> stores)
    : PartitionedRateLimiter<HttpContext>
{
    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => stores.GetStatistics(resource);

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) =>
        Store(resource, permitCount, clients.AttemptAcquire(resource, permitCount));

    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        Store(resource, permitCount, await clients.AcquireAsync(resource, permitCount, cancellationToken));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            clients.Dispose();
            stores.Dispose();
        }

        base.Dispose(disposing);
    }

    private RateLimitLease Store(HttpContext resource, int permitCount, RateLimitLease client)
    {
        if (!client.IsAcquired)
        {
            return client;
        }

        var store = stores.AttemptAcquire(resource, permitCount);
        if (!store.IsAcquired && client is FixedWindowLimiter.Lease permit)
        {
            permit.GiveBack();
        }

        // A window's permit is spent when taken: its lease holds nothing to release.
        client.Dispose();
        return store;
    }
}
