using System.Threading.RateLimiting;

namespace MultiStore.Api.Hosting;

/// <summary>
/// A storefront request's two windows: its client's in its store, then its store's. The client's goes first so that a
/// client over its own limit spends none of its store's (else one client could use up the store for everyone); and
/// when the store's window refuses, the client's permit is given back, so a shopper turned away because the store is
/// busy keeps their own budget. A request both windows admit gets <see cref="Permits"/>, which a later limit that
/// refuses it gives back in the same way (<see cref="StorefrontLimiter"/>).
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
        if (store.IsAcquired)
        {
            return new Permits(client, store);
        }

        Permits.GiveBack(client);
        client.Dispose();
        return store;
    }

    /// <summary>The client's and the store's permits of one request both windows admitted.</summary>
    public sealed class Permits(RateLimitLease client, RateLimitLease store) : GrantedLease
    {
        /// <summary>Returns both permits to their windows (once each), for a request that a later limit refused.</summary>
        public void GiveBack()
        {
            GiveBack(client);
            GiveBack(store);
        }

        /// <summary>Only a fixed window's permit can go back; an unlimited partition's lease has nothing to return.</summary>
        internal static void GiveBack(RateLimitLease lease)
        {
            if (lease is FixedWindowLimiter.Lease permit)
            {
                permit.GiveBack();
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                // A window's permit is spent when taken: disposing its lease releases nothing.
                client.Dispose();
                store.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
