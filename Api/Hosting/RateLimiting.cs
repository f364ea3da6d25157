using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using MultiStore.Api.Auth;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Hosting;

/// <summary>A fixed window: at most <see cref="PermitLimit"/> requests per <see cref="Window"/>.</summary>
public sealed class WindowLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }
}

/// <summary>
/// How much one client and one store may ask of the API (configuration section <c>RateLimits</c>). Storefront
/// requests are limited per client within a store, per store in total (a rate and a number in flight, with a queue),
/// so a flash sale in one store cannot take the capacity the others need; admin and platform requests per token.
/// </summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "RateLimits";

    /// <summary>Off only for experiments; every limit below is then lifted.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Storefront requests of one client in one store (<see cref="ClientAddress"/>: an IPv6 client is its /64).</summary>
    public WindowLimit StorefrontClient { get; set; } = new() { PermitLimit = 300, Window = TimeSpan.FromSeconds(10) };

    /// <summary>Storefront requests of all clients of one store.</summary>
    public WindowLimit StorefrontStore { get; set; } = new() { PermitLimit = 3000, Window = TimeSpan.FromSeconds(1) };

    public const int MaxStoreConcurrency = 10_000;
    public const int MaxStoreQueue = 100_000;

    /// <summary>Storefront requests of one store being served at once (1 to <see cref="MaxStoreConcurrency"/>); more wait in the store's own queue.</summary>
    public int StoreConcurrency { get; set; } = 256;

    /// <summary>Requests of one store that may wait for a slot (0 to <see cref="MaxStoreQueue"/>); beyond it they are refused with 429.</summary>
    public int StoreQueue { get; set; } = 4096;

    /// <summary>Admin, owner and platform requests of one token subject (or, without one, one address).</summary>
    public WindowLimit AdminClient { get; set; } = new() { PermitLimit = 600, Window = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// Host headers of one client address that name no store. Each costs a lookup in the cluster (a host-name grain
    /// and a storage read), and unknown hosts are not cached; a client past this is refused any host not known to name
    /// a store (<see cref="Tenancy.UnknownHostBudget"/>), so made-up Host headers cannot keep the cluster busy. Shoppers
    /// and admins meet none of it.
    /// </summary>
    public WindowLimit UnknownHosts { get; set; } = new() { PermitLimit = 60, Window = TimeSpan.FromMinutes(1) };

    /// <summary>
    /// Requests from the machine itself (health probes, local tools, load tests on loopback) are not limited per
    /// client; the per-store limits still apply. Behind a reverse proxy, list it in <see cref="TrustedProxies"/>.
    /// </summary>
    public bool ExemptLoopback { get; set; } = true;

    /// <summary>
    /// Proxies (addresses or CIDR networks, e.g. the ingress controller's pod network) whose <c>X-Forwarded-For</c>
    /// names the real client and whose <c>X-Forwarded-Proto</c> the scheme it used; loopback is always trusted.
    /// Without this, every client behind a proxy shares one budget, and storefront URLs say http.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];
}

public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new List<string>();
        Check(options.StorefrontClient, nameof(RateLimitOptions.StorefrontClient));
        Check(options.StorefrontStore, nameof(RateLimitOptions.StorefrontStore));
        Check(options.AdminClient, nameof(RateLimitOptions.AdminClient));
        Check(options.UnknownHosts, nameof(RateLimitOptions.UnknownHosts));
        // Upper bounds too: a slip of the keyboard (a queue of 10 million) would hold that many requests, each with its
        // connection and memory, behind one busy store before any is refused.
        if (options.StoreConcurrency is < 1 or > RateLimitOptions.MaxStoreConcurrency)
        {
            failures.Add($"{RateLimitOptions.SectionName}:{nameof(RateLimitOptions.StoreConcurrency)} is {options.StoreConcurrency}; it must be between 1 and {RateLimitOptions.MaxStoreConcurrency}.");
        }

        if (options.StoreQueue is < 0 or > RateLimitOptions.MaxStoreQueue)
        {
            failures.Add($"{RateLimitOptions.SectionName}:{nameof(RateLimitOptions.StoreQueue)} is {options.StoreQueue}; it must be between 0 and {RateLimitOptions.MaxStoreQueue}.");
        }

        foreach (var proxy in options.TrustedProxies ?? [])
        {
            if (System.Net.IPNetwork.TryParse(proxy, out var network))
            {
                // Trusting every sender lets any client name any address: a fresh budget per request, or loopback's exemption.
                if (network.PrefixLength == 0)
                {
                    failures.Add($"{RateLimitOptions.SectionName}:{nameof(RateLimitOptions.TrustedProxies)} holds '{proxy}', which trusts every address; name the proxies' own network.");
                }
            }
            else if (!IPAddress.TryParse(proxy, out _))
            {
                failures.Add($"{RateLimitOptions.SectionName}:{nameof(RateLimitOptions.TrustedProxies)} holds '{proxy}', which is neither an address nor a CIDR network.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);

        void Check(WindowLimit? limit, string key)
        {
            if (limit is null || limit.PermitLimit < 1 || limit.Window <= TimeSpan.Zero || limit.Window > TimeSpan.FromDays(1))
            {
                failures.Add($"{RateLimitOptions.SectionName}:{key} needs PermitLimit >= 1 and a Window between 00:00:00 and 1.00:00:00.");
            }
        }
    }
}

/// <summary>
/// The API's rate limits as ASP.NET Core rate limiting, in two places. Admin, owner and platform requests meet their
/// token's window before store resolution (<see cref="UseAdminRateLimits"/>), so the refusals made there (an
/// <c>X-Tenant-ID</c> not granted, an unknown or suspended host) count too; storefront requests meet, once their store
/// is known, one global limiter (<see cref="StorefrontLimiter"/>) chaining their client's window, their store's window
/// and their store's concurrency.
/// Refusals answer 429 problem+json with <c>Retry-After</c>.
/// </summary>
public static class RateLimitingExtensions
{
    public const string Code = "rate-limited";

    public static IServiceCollection AddMultiStoreRateLimiting(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();

        var options = configuration.GetSection(RateLimitOptions.SectionName).Get<RateLimitOptions>() ?? new RateLimitOptions();
        services.Configure<ForwardedHeadersOptions>(forwarded =>
        {
            // The scheme too: behind a proxy that ends TLS, the storefront's absolute URLs (robots.txt, sitemaps) must
            // say https. Both headers count only from the proxies below; from anyone else they are left as sent.
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Every hop a trusted proxy added, not just the last: behind a load balancer and an ingress (both trusted)
            // the last hop is the balancer, and its address would be every shopper's. The walk stops at the first
            // address no trusted proxy has, so what a client wrote before that is never believed.
            forwarded.ForwardLimit = null;
            foreach (var proxy in options.TrustedProxies ?? [])
            {
                if (System.Net.IPNetwork.TryParse(proxy, out var network))
                {
                    forwarded.KnownIPNetworks.Add(network);
                }
                else if (IPAddress.TryParse(proxy, out var address))
                {
                    forwarded.KnownProxies.Add(address);
                }
            }
        });

        services.AddSingleton<StoreConcurrencyLimiter>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = RejectAsync;
        });
        services.AddOptions<RateLimiterOptions>().Configure<StoreConcurrencyLimiter>((limiter, concurrency) =>
            limiter.GlobalLimiter = new StorefrontLimiter(
                new StorefrontWindows(
                    PartitionedRateLimiter.Create<HttpContext, string>(context => ClientPartition(context, Options(context))),
                    PartitionedRateLimiter.Create<HttpContext, string>(context => StoreRatePartition(context, Options(context)))),
                concurrency));
        return services;
    }

    /// <summary>
    /// The per-token window of admin, owner and platform requests; goes before store resolution. Storefront requests
    /// skip it altogether: a flash sale's shoppers pay for no limiter they never meet.
    /// </summary>
    public static IApplicationBuilder UseAdminRateLimits(this IApplicationBuilder app) =>
        app.UseWhen(
            context => !TenantResolutionMiddleware.IsStorefront(context.GetEndpoint()),
            admin => admin.UseRateLimiter(new RateLimiterOptions
            {
                RejectionStatusCode = StatusCodes.Status429TooManyRequests,
                OnRejected = RejectAsync,
                GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => AdminPartition(context, Options(context))),
            }));

    private static RateLimitOptions Options(HttpContext context) =>
        context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;

    private static RateLimitPartition<string> ClientPartition(HttpContext context, RateLimitOptions options) =>
        IsLimitedClient(context, options) && Classify(context) == Kind.Storefront
            ? Window($"client:{StoreOf(context)}:{ClientAddress.KeyOf(context.Connection.RemoteIpAddress)}", options.StorefrontClient)
            : RateLimitPartition.GetNoLimiter(string.Empty);

    private static RateLimitPartition<string> AdminPartition(HttpContext context, RateLimitOptions options) =>
        IsLimitedClient(context, options) && Classify(context) == Kind.Admin
            ? Window(
                context.User.FindFirst(AuthClaims.Subject)?.Value is { Length: > 0 } subject ? $"admin:sub:{subject}" : $"admin:ip:{ClientAddress.KeyOf(context.Connection.RemoteIpAddress)}",
                options.AdminClient)
            : RateLimitPartition.GetNoLimiter(string.Empty);

    internal static bool IsLimitedClient(HttpContext context, RateLimitOptions options) =>
        options.Enabled && !(options.ExemptLoopback && context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address));

    private static RateLimitPartition<string> StoreRatePartition(HttpContext context, RateLimitOptions options) =>
        options.Enabled && Classify(context) == Kind.Storefront
            ? Window($"store:{StoreOf(context)}", options.StorefrontStore)
            : RateLimitPartition.GetNoLimiter(string.Empty);

    /// <summary>
    /// One key's fixed window, of <see cref="FixedWindowLimiter"/>: its refusals say how long is left of the window,
    /// where the framework's said the whole window.
    /// </summary>
    internal static RateLimitPartition<string> Window(string key, WindowLimit limit) =>
        RateLimitPartition.Get(key, _ => new FixedWindowLimiter(limit.PermitLimit, limit.Window, TimeProvider.System));

    internal enum Kind
    {
        Unlimited,
        Storefront,
        Admin,
    }

    /// <summary>Storefront: an anonymous endpoint of a resolved store. Admin: any endpoint that needs a token.</summary>
    internal static Kind Classify(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null)
        {
            return Kind.Unlimited;
        }

        if (TenantResolutionMiddleware.IsStorefront(endpoint))
        {
            return context.RequestServices.GetRequiredService<RequestTenant>().IsResolved ? Kind.Storefront : Kind.Unlimited;
        }

        return endpoint.Metadata.GetMetadata<IAuthorizeData>() is not null ? Kind.Admin : Kind.Unlimited;
    }

    internal static string StoreOf(HttpContext context) => context.RequestServices.GetRequiredService<RequestTenant>().Id.Value;

    private static ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken) =>
        new(TooManyAsync(rejected.HttpContext, rejected.Lease));

    /// <summary>The 429 problem of every limit, with the lease's <c>Retry-After</c> (at least a second).</summary>
    internal static Task TooManyAsync(HttpContext context, RateLimitLease lease)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ApiProblem.Create(
            StatusCodes.Status429TooManyRequests,
            Code,
            "Too many requests",
            $"This client or this store is over its request limit; retry in {seconds} second(s).").ExecuteAsync(context);
    }
}

/// <summary>
/// The per-store limit on storefront requests in flight: one <see cref="ConcurrencyLimiter"/> per store (with its own
/// queue), so a store's flash sale waits in its own line while the other stores keep their slots. Its statistics
/// say how busy a store is right now.
/// </summary>
public sealed class StoreConcurrencyLimiter(IOptions<RateLimitOptions> options) : PartitionedRateLimiter<HttpContext>
{
    private static readonly RateLimiter Unlimited = RateLimitPartition.GetNoLimiter(string.Empty).Factory(string.Empty);
    private readonly ConcurrentDictionary<string, ConcurrencyLimiter> _stores = new(StringComparer.Ordinal);

    /// <summary>The store's current slots and queue, or null before its first storefront request.</summary>
    public RateLimiterStatistics? StatisticsOf(string tenantId) => _stores.TryGetValue(tenantId, out var limiter) ? limiter.GetStatistics() : null;

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => LimiterOf(resource).GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) => LimiterOf(resource).AttemptAcquire(permitCount);

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        LimiterOf(resource).AcquireAsync(permitCount, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var limiter in _stores.Values)
            {
                limiter.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    private RateLimiter LimiterOf(HttpContext context)
    {
        var limits = options.Value;
        if (!limits.Enabled || RateLimitingExtensions.Classify(context) != RateLimitingExtensions.Kind.Storefront)
        {
            return Unlimited;
        }

        return _stores.GetOrAdd(RateLimitingExtensions.StoreOf(context), _ => new ConcurrencyLimiter(new ConcurrencyLimiterOptions
        {
            PermitLimit = limits.StoreConcurrency,
            QueueLimit = limits.StoreQueue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
        }));
    }
}
