using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using MultiStore.Api.Auth;
using MultiStore.Api.Hosting;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Tests.Security;

/// <summary>
/// Rate limits per client and per store, a per-store limit on requests in flight, and the cart caps, on an API whose
/// limits are set tiny (windows of an hour, so nothing replenishes during a run). Each test uses stores and client
/// addresses of its own, since the limits persist for the fixture's lifetime.
/// </summary>
public sealed class AbuseLimitsTests(LimitsApiFactory api) : IClassFixture<LimitsApiFactory>
{
    [Fact]
    public async Task Storefront_ClientOverItsLimit_Gets429ProblemWithRetryAfter_OthersDoNot()
    {
        var (store, other) = (await StoreDriver.OnboardAsync(api, "rl-a"), await StoreDriver.OnboardAsync(api, "rl-b"));
        var (sku, otherSku) = (await StockedAsync(store), await StockedAsync(other));

        for (var i = 0; i < LimitsApiFactory.ClientLimit; i++)
        {
            await Shop(store, "203.0.113.1").GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
        }

        using var refused = await Shop(store, "203.0.113.1").GetAsync($"/api/stock/{sku}");
        await refused.ExpectProblemAsync(HttpStatusCode.TooManyRequests, RateLimitingExtensions.Code);
        Assert.True(int.TryParse(refused.Headers.GetValues("Retry-After").Single(), out var seconds) && seconds >= 1, "Retry-After must be whole seconds");

        // Another client of the same store, and the same client in another store, are served.
        await Shop(store, "203.0.113.2").GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
        await Shop(other, "203.0.113.1").GetAsync($"/api/stock/{otherSku}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Storefront_StoreOverItsLimit_IsRefused_WhileAnotherStoreIsServed()
    {
        var (busy, quiet) = (await StoreDriver.OnboardAsync(api, "rl-c"), await StoreDriver.OnboardAsync(api, "rl-d"));
        var (sku, quietSku) = (await StockedAsync(busy), await StockedAsync(quiet));

        // Many clients, each under its own limit, together reach the store's.
        for (var i = 0; i < LimitsApiFactory.StoreLimit; i++)
        {
            await Shop(busy, $"198.51.100.{i + 1}").GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
        }

        await Shop(busy, "198.51.100.200").GetAsync($"/api/stock/{sku}").ExpectProblemAsync(HttpStatusCode.TooManyRequests, RateLimitingExtensions.Code);
        await Shop(quiet, "198.51.100.200").GetAsync($"/api/stock/{quietSku}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Storefront_StoreWithAllSlotsInFlight_RefusesMore_WhileAnotherStoreIsServed()
    {
        var (busy, quiet) = (await StoreDriver.OnboardAsync(api, "rl-e"), await StoreDriver.OnboardAsync(api, "rl-f"));
        var (sku, quietSku) = (await StockedAsync(busy), await StockedAsync(quiet));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var limiter = api.Services.GetRequiredService<StoreConcurrencyLimiter>();

        // Requests whose bodies arrive only when released hold the store's slots meanwhile.
        var held = Enumerable.Range(0, LimitsApiFactory.StoreConcurrency)
            .Select(i => Shop(busy, $"192.0.2.{i + 1}").PutAsync($"/api/carts/{Guid.NewGuid()}/items/{sku}", new HeldContent("""{"quantity":1}""", release.Task)))
            .ToList();
        Assert.True(SpinWait.SpinUntil(() => limiter.StatisticsOf(busy.TenantId)?.CurrentAvailablePermits == 0, TimeSpan.FromSeconds(20)), "the held requests never took the store's slots");

        using (var refused = await Shop(busy, "192.0.2.100").GetAsync($"/api/stock/{sku}"))
        {
            await refused.ExpectProblemAsync(HttpStatusCode.TooManyRequests, RateLimitingExtensions.Code);
            Assert.Equal("1", refused.Headers.GetValues("Retry-After").Single());
        }

        await Shop(quiet, "192.0.2.100").GetAsync($"/api/stock/{quietSku}").ExpectAsync(HttpStatusCode.OK);

        release.SetResult();
        foreach (var request in held)
        {
            using var response = await request;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        // A slot is given back as the request's pipeline unwinds, a moment after its answer reached the client.
        Assert.True(
            SpinWait.SpinUntil(() => limiter.StatisticsOf(busy.TenantId)!.CurrentAvailablePermits == LimitsApiFactory.StoreConcurrency, TimeSpan.FromSeconds(10)),
            "the store's slots were not all given back");
    }

    [Fact]
    public async Task Storefront_ShopperRefusedForABusyStoresSlots_KeepsTheirWholeBudget()
    {
        var busy = await StoreDriver.OnboardAsync(api, "rl-slots");
        var sku = await StockedAsync(busy);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var limiter = api.Services.GetRequiredService<StoreConcurrencyLimiter>();
        var held = Enumerable.Range(0, LimitsApiFactory.StoreConcurrency)
            .Select(i => Shop(busy, $"198.18.0.{i + 1}").PutAsync($"/api/carts/{Guid.NewGuid()}/items/{sku}", new HeldContent("""{"quantity":1}""", release.Task)))
            .ToList();
        Assert.True(SpinWait.SpinUntil(() => limiter.StatisticsOf(busy.TenantId)?.CurrentAvailablePermits == 0, TimeSpan.FromSeconds(20)), "the held requests never took the store's slots");

        // Turned away twice for want of a slot (each time the middleware tries, then asks again willing to queue).
        for (var i = 0; i < 2; i++)
        {
            await Shop(busy, "198.18.0.100").GetAsync($"/api/stock/{sku}").ExpectProblemAsync(HttpStatusCode.TooManyRequests, RateLimitingExtensions.Code);
        }

        release.SetResult();
        foreach (var request in held)
        {
            (await request).Dispose();
        }

        Assert.True(
            SpinWait.SpinUntil(() => limiter.StatisticsOf(busy.TenantId)!.CurrentAvailablePermits == LimitsApiFactory.StoreConcurrency, TimeSpan.FromSeconds(10)),
            "the store's slots were not all given back");

        // The refusals cost the shopper nothing: their whole budget is still theirs.
        for (var i = 0; i < LimitsApiFactory.ClientLimit; i++)
        {
            await Shop(busy, "198.18.0.100").GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
        }

        await Shop(busy, "198.18.0.100").GetAsync($"/api/stock/{sku}").ExpectProblemAsync(HttpStatusCode.TooManyRequests, RateLimitingExtensions.Code);
    }

    [Fact]
    public async Task ClientAddress_ComesFromXForwardedFor_OnlyThroughATrustedProxy()
    {
        var store = await StoreDriver.OnboardAsync(api, "rl-g");
        var sku = await StockedAsync(store);

        for (var i = 0; i < LimitsApiFactory.ClientLimit; i++)
        {
            await Shop(store, "10.9.0.1", forwardedFor: "203.0.113.50").GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
        }

        // The same shopper behind another trusted proxy is the same client…
        await Shop(store, "10.9.3.3", forwardedFor: "203.0.113.50").GetAsync($"/api/stock/{sku}").ExpectProblemAsync(HttpStatusCode.TooManyRequests);
        // …while an untrusted sender cannot borrow (or escape into) another address by naming it.
        await Shop(store, "192.0.2.77", forwardedFor: "203.0.113.50").GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Storefront_IPv6Client_IsOneClientAcrossItsSlash64_SoNewAddressesDoNotRenewItsBudget()
    {
        var store = await StoreDriver.OnboardAsync(api, "rl-v6");
        var sku = await StockedAsync(store);

        // One subscriber holds a whole /64 and may pick a fresh address in it for every request.
        for (var i = 0; i < LimitsApiFactory.ClientLimit; i++)
        {
            await Shop(store, $"2001:db8:7:1::{i + 1:x}").GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
        }

        await Shop(store, "2001:db8:7:1:ffff::9").GetAsync($"/api/stock/{sku}").ExpectProblemAsync(HttpStatusCode.TooManyRequests, RateLimitingExtensions.Code);
        // The next /64 is another subscriber.
        await Shop(store, "2001:db8:7:2::1").GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Storefront_IPv4ClientSeenAsIPv4MappedIPv6_IsTheSameClient()
    {
        var store = await StoreDriver.OnboardAsync(api, "rl-mapped");
        var sku = await StockedAsync(store);

        // A dual-stack listener shows an IPv4 client as ::ffff:a.b.c.d; a proxy's X-Forwarded-For names it plainly.
        for (var i = 0; i < LimitsApiFactory.ClientLimit; i++)
        {
            await Shop(store, "::ffff:203.0.113.33").GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
        }

        await Shop(store, "10.9.0.1", forwardedFor: "203.0.113.33").GetAsync($"/api/stock/{sku}").ExpectProblemAsync(HttpStatusCode.TooManyRequests, RateLimitingExtensions.Code);
    }

    [Fact]
    public async Task ClientAddress_ThroughAChainOfTrustedProxies_IsTheFirstAddressNoTrustedProxyHas()
    {
        var store = await StoreDriver.OnboardAsync(api, "rl-chain");
        var sku = await StockedAsync(store);

        // A load balancer (10.9.7.x) in front of the ingress (10.9.0.1), both trusted: each appends who it heard from.
        for (var i = 0; i < LimitsApiFactory.ClientLimit; i++)
        {
            await Shop(store, "10.9.0.1", forwardedFor: "203.0.113.61, 10.9.7.7").GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
        }

        // Another shopper behind the same balancer keeps its own budget; the same shopper through another is still itself…
        await Shop(store, "10.9.0.1", forwardedFor: "203.0.113.62, 10.9.7.7").GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
        await Shop(store, "10.9.0.1", forwardedFor: "203.0.113.61, 10.9.7.8").GetAsync($"/api/stock/{sku}").ExpectProblemAsync(HttpStatusCode.TooManyRequests, RateLimitingExtensions.Code);
        // …and what a client wrote before the first hop no proxy vouches for is not believed.
        await Shop(store, "10.9.0.1", forwardedFor: "203.0.113.61, 198.51.100.9, 10.9.7.7").GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("0.0.0.0/0")]
    [InlineData("::/0")]
    public void TrustedProxies_ANetworkOfEveryAddress_IsRefusedAtStart(string everyone)
    {
        // Trusting every sender lets any client name any address in X-Forwarded-For: a new one per request (a fresh
        // budget each), or 127.0.0.1, which the per-client limits exempt.
        var refused = new RateLimitOptionsValidator().Validate(null, new RateLimitOptions { TrustedProxies = ["10.0.0.0/8", everyone] });
        var accepted = new RateLimitOptionsValidator().Validate(null, new RateLimitOptions { TrustedProxies = ["10.0.0.0/8", "2001:db8::/32", "192.0.2.1"] });

        Assert.True(refused.Failed);
        Assert.Contains("RateLimits:TrustedProxies", refused.FailureMessage, StringComparison.Ordinal);
        Assert.True(accepted.Succeeded, accepted.FailureMessage);
    }

    [Theory]
    [InlineData("StoreQueue", 10_000_000, "between 0 and 100000")]
    [InlineData("StoreQueue", -1, "between 0 and 100000")]
    [InlineData("StoreConcurrency", 1_000_000, "between 1 and 10000")]
    [InlineData("StoreConcurrency", 0, "between 1 and 10000")]
    public void StoreLimits_OutsideTheirRange_AreRefusedAtStart_NamingTheOptionAndRange(string option, int value, string range)
    {
        var options = new RateLimitOptions();
        _ = option == "StoreQueue" ? options.StoreQueue = value : options.StoreConcurrency = value;

        var refused = new RateLimitOptionsValidator().Validate(null, options);

        Assert.True(refused.Failed);
        Assert.Contains($"RateLimits:{option} is {value}; it must be {range}", refused.FailureMessage, StringComparison.Ordinal);
        Assert.True(new RateLimitOptionsValidator().Validate(null, new RateLimitOptions { StoreQueue = 100_000, StoreConcurrency = 10_000 }).Succeeded);
    }

    [Fact]
    public void Windows_LongerThanADay_AreRefusedAtStart()
    {
        var refused = new RateLimitOptionsValidator().Validate(null, new RateLimitOptions
        {
            StorefrontClient = new WindowLimit { PermitLimit = 300, Window = TimeSpan.FromDays(10) },
        });

        Assert.True(refused.Failed);
        Assert.Contains("RateLimits:StorefrontClient", refused.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Storefront_FromLoopback_HasNoPerClientLimit()
    {
        var store = await StoreDriver.OnboardAsync(api, "rl-h");
        var sku = await StockedAsync(store);

        for (var i = 0; i < LimitsApiFactory.ClientLimit + 3; i++)
        {
            await Shop(store, "127.0.0.1").GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
        }
    }

    [Fact]
    public async Task Admin_TokenOverItsLimit_Gets429_AndThrottledRequestsAreNotAudited()
    {
        var store = await StoreDriver.OnboardAsync(api, "rl-i");
        var subject = $"busy-{Guid.NewGuid():N}";
        var now = DateTimeOffset.UtcNow;
        var token = api.Tokens.Issue(subject, [new(AuthClaims.StoreRole, AuthClaims.StoreRoleValue(store.TenantId, StoreRoles.Owner))], now, now.AddMinutes(10));

        for (var i = 0; i < LimitsApiFactory.AdminLimit; i++)
        {
            // Different addresses: the admin limit follows the token, not the address.
            await Client(store.Host, $"203.0.113.{100 + i}", token).GetAsync("/admin/zones").ExpectAsync(HttpStatusCode.OK);
        }

        await Client(store.Host, "203.0.113.99", token).GetAsync("/admin/zones").ExpectProblemAsync(HttpStatusCode.TooManyRequests, RateLimitingExtensions.Code);

        var trail = await api.ClientFor("platform.test", api.PlatformToken()).GetAsync($"/platform/audit?tenant={store.TenantId}&take=100").ExpectAsync(HttpStatusCode.OK);
        var mine = trail["entries"]!.AsArray().Where(entry => entry!.Value<string>("actor") == $"user:{subject}").ToList();
        Assert.Equal(LimitsApiFactory.AdminLimit, mine.Count);
        Assert.All(mine, entry => Assert.Equal(200, entry!.Value<int>("status")));
    }

    [Fact]
    public async Task Admin_TokenOverItsLimit_WithRefusedStoreSwitches_Gets429_AndFillsNoTrail()
    {
        // Refused before the endpoint (a store the token has no role in): such refusals count against the token too,
        // or one token could write any store's trail without end.
        var (mine, target) = (await StoreDriver.OnboardAsync(api, "rl-j"), await StoreDriver.OnboardAsync(api, "rl-k"));
        var subject = $"prober-{Guid.NewGuid():N}";
        var now = DateTimeOffset.UtcNow;
        var token = api.Tokens.Issue(subject, [new(AuthClaims.StoreRole, AuthClaims.StoreRoleValue(mine.TenantId, StoreRoles.Support))], now, now.AddMinutes(10));
        using var client = Client(mine.Host, "203.0.113.150", token);
        client.DefaultRequestHeaders.Add(TenantResolutionMiddleware.TenantHeader, target.TenantId);

        for (var i = 0; i < LimitsApiFactory.AdminLimit; i++)
        {
            await client.GetAsync("/admin/zones").ExpectProblemAsync(HttpStatusCode.Forbidden, "store-not-granted");
        }

        await client.GetAsync("/admin/zones").ExpectProblemAsync(HttpStatusCode.TooManyRequests, RateLimitingExtensions.Code);
        // A refused switch's entry is written once the refusal is sent.
        using var platform = api.ClientFor("platform.test", api.PlatformToken());
        var trail = await Eventually.ReadAsync(
            () => platform.GetAsync($"/platform/audit?tenant={target.TenantId}&take=100").ExpectAsync(HttpStatusCode.OK),
            page => Mine(page) >= LimitsApiFactory.AdminLimit);
        Assert.Equal(LimitsApiFactory.AdminLimit, Mine(trail));

        int Mine(JsonNode page) => page["entries"]!.AsArray().Count(entry => entry!.Value<string>("actor") == $"user:{subject}");
    }

    [Fact]
    public async Task Cart_QuantityAndLineCaps_AreEnforced()
    {
        var store = await StoreDriver.OnboardAsync(api, "rl-j");
        var skus = new List<string>();
        for (var i = 0; i <= LimitsApiFactory.MaxLines; i++)
        {
            skus.Add(await StockedAsync(store));
        }

        var shopper = Shop(store, "127.0.0.1");
        var cart = $"/api/carts/{Guid.NewGuid()}/items";

        await shopper.PutJsonAsync($"{cart}/{skus[0]}", new { quantity = LimitsApiFactory.MaxQuantity + 1 }).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid-request");
        for (var i = 0; i < LimitsApiFactory.MaxLines; i++)
        {
            await shopper.PutJsonAsync($"{cart}/{skus[i]}", new { quantity = LimitsApiFactory.MaxQuantity }).ExpectAsync(HttpStatusCode.OK);
        }

        await shopper.PutJsonAsync($"{cart}/{skus[^1]}", new { quantity = 1 }).ExpectProblemAsync(HttpStatusCode.Conflict, "cart-full");
        // A line already in the cart can still change, and removing one makes room.
        await shopper.PutJsonAsync($"{cart}/{skus[0]}", new { quantity = 1 }).ExpectAsync(HttpStatusCode.OK);
        await shopper.PutJsonAsync($"{cart}/{skus[0]}", new { quantity = 0 }).ExpectAsync(HttpStatusCode.OK);
        await shopper.PutJsonAsync($"{cart}/{skus[^1]}", new { quantity = 1 }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(0, await store.ReservedAsync(skus[0]));
    }

    [Fact]
    public async Task Storefront_ForwardedProto_FromATrustedProxyMakesItsUrlsHttps_FromAnyoneElseChangesNothing()
    {
        var store = await StoreDriver.OnboardAsync(api, "rl-proto");
        using var proxied = Shop(store, "10.9.0.7", forwardedFor: "203.0.113.80");
        proxied.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
        using var direct = Shop(store, "192.0.2.80");
        direct.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");

        var proxiedRobots = await proxied.GetStringAsync("/robots.txt");
        var proxiedSitemap = await proxied.GetStringAsync("/sitemap.xml");
        var directRobots = await direct.GetStringAsync("/robots.txt");
        var directSitemap = await direct.GetStringAsync("/sitemap.xml");

        Assert.Contains($"Sitemap: https://{store.Host}/sitemap.xml", proxiedRobots, StringComparison.Ordinal);
        Assert.Contains($"<loc>https://{store.Host}/</loc>", proxiedSitemap, StringComparison.Ordinal);
        Assert.Contains($"Sitemap: http://{store.Host}/sitemap.xml", directRobots, StringComparison.Ordinal);
        Assert.Contains($"<loc>http://{store.Host}/</loc>", directSitemap, StringComparison.Ordinal);
    }

    private async Task<string> StockedAsync(StoreDriver store)
    {
        var sku = store.NewSku("RL");
        await store.SetStockAsync(sku, 50);
        return sku;
    }

    [Fact]
    public async Task UnknownHosts_OfOneClientPastItsBudget_AreRefusedBeforeAnyLookup_WhileItsStoreAndOtherClientsAreServed()
    {
        var store = await StoreDriver.OnboardAsync(api, "rl-u");
        var sku = await StockedAsync(store);
        using var shopper = Shop(store, "203.0.113.90");
        await shopper.GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);

        for (var i = 0; i < LimitsApiFactory.UnknownHostLimit; i++)
        {
            using var madeUp = Client($"made-up-{i}.test", "203.0.113.90", token: null);
            await madeUp.GetAsync("/api/storefront").ExpectProblemAsync(HttpStatusCode.NotFound, "store-not-found");
        }

        using var next = Client("made-up-next.test", "203.0.113.90", token: null);
        using var refused = await next.GetAsync("/api/storefront");
        await refused.ExpectProblemAsync(HttpStatusCode.TooManyRequests, RateLimitingExtensions.Code);
        Assert.True(refused.Headers.RetryAfter is not null);

        // Its store, a host known to name one (not cached here), still answers it; another client's unknown host is
        // still looked up.
        await shopper.GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
        using var other = Client("made-up-next.test", "203.0.113.91", token: null);
        await other.GetAsync("/api/storefront").ExpectProblemAsync(HttpStatusCode.NotFound, "store-not-found");
    }

    private HttpClient Shop(StoreDriver store, string address, string? forwardedFor = null) => Client(store.Host, address, token: null, forwardedFor);

    private HttpClient Client(string host, string address, string? token, string? forwardedFor = null)
    {
        var client = api.ClientFor(host, token);
        client.DefaultRequestHeaders.Add(LimitsApiFactory.RemoteAddressHeader, address);
        if (forwardedFor is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }

        return client;
    }

    /// <summary>A JSON body that is sent only once <paramref name="release"/> completes.</summary>
    private sealed class HeldContent : HttpContent
    {
        private readonly byte[] _bytes;
        private readonly Task _release;

        public HeldContent(string json, Task release)
        {
            _bytes = Encoding.UTF8.GetBytes(json);
            _release = release;
            Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await _release;
            await stream.WriteAsync(_bytes);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = _bytes.Length;
            return true;
        }
    }
}

/// <summary>
/// The API with tiny limits. TestServer has no client address, so a test-only first middleware takes it from a header
/// (loopback when absent, as for the setup calls); everything after it is production wiring.
/// </summary>
public sealed class LimitsApiFactory : ApiFactory
{
    public const string RemoteAddressHeader = "X-Test-Remote-Address";
    public const int ClientLimit = 5;
    public const int StoreLimit = 12;
    public const int StoreConcurrency = 2;
    public const int AdminLimit = 6;
    public const int MaxQuantity = 3;
    public const int MaxLines = 2;
    public const int UnknownHostLimit = 4;

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        builder.UseSetting("RateLimits:StorefrontClient:PermitLimit", ClientLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("RateLimits:StorefrontClient:Window", "01:00:00");
        builder.UseSetting("RateLimits:StorefrontStore:PermitLimit", StoreLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("RateLimits:StorefrontStore:Window", "01:00:00");
        builder.UseSetting("RateLimits:StoreConcurrency", StoreConcurrency.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("RateLimits:StoreQueue", "0");
        builder.UseSetting("RateLimits:AdminClient:PermitLimit", AdminLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("RateLimits:AdminClient:Window", "01:00:00");
        builder.UseSetting("RateLimits:UnknownHosts:PermitLimit", UnknownHostLimit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("RateLimits:UnknownHosts:Window", "01:00:00");
        // Nothing cached: a client out of unknown-host budget must still reach a store's host without the cache's help.
        builder.UseSetting("Tenancy:HostCacheTtl", "00:00:00");
        builder.UseSetting("RateLimits:TrustedProxies:0", "10.9.0.0/16");
        builder.UseSetting("CartLimits:MaxQuantityPerLine", MaxQuantity.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("CartLimits:MaxLinesPerCart", MaxLines.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, RemoteAddressFromHeader>());
    }

    private sealed class RemoteAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = context.Request.Headers.TryGetValue(RemoteAddressHeader, out var address)
                    ? IPAddress.Parse(address.ToString())
                    : IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
