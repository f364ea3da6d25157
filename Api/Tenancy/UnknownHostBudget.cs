using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using MultiStore.Api.Hosting;

namespace MultiStore.Api.Tenancy;

/// <summary>
/// How many Host headers naming no store each client address may send (<see cref="RateLimitOptions.UnknownHosts"/>).
/// A host the resolver has not cached costs a lookup in the cluster whether or not a store answers on it, and unknown
/// hosts are never cached; so only a miss is charged, and a client with nothing left is refused every host not known
/// to name a store. Hosts that named a store lately (<see cref="HostTenantResolver.NamedAStoreLately"/>) are still
/// looked up for it, so a shopper who mistyped a few hosts, or many shoppers behind one address, keep shopping.
/// </summary>
public sealed class UnknownHostBudget(IOptions<RateLimitOptions> options) : IDisposable
{
    private readonly PartitionedRateLimiter<HttpContext> _misses = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        RateLimitingExtensions.IsLimitedClient(context, options.Value)
            ? RateLimitingExtensions.Window($"unknown-host:{ClientAddress.KeyOf(context.Connection.RemoteIpAddress)}", options.Value.UnknownHosts)
            : RateLimitPartition.GetNoLimiter(string.Empty));

    /// <summary>A failed lease when <paramref name="context"/>'s client has no unknown host left in this window, else null.</summary>
    public RateLimitLease? Exhausted(HttpContext context)
    {
        // Asking for no permit only looks: it succeeds while one is left and takes nothing.
        var lease = _misses.AttemptAcquire(context, 0);
        if (lease.IsAcquired)
        {
            lease.Dispose();
            return null;
        }

        return lease;
    }

    /// <summary>Charges <paramref name="context"/>'s client one Host header that named no store.</summary>
    public void Charge(HttpContext context) => _misses.AttemptAcquire(context).Dispose();

    public void Dispose() => _misses.Dispose();
}
