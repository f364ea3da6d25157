using System.Net;
using MultiStore.Api.Auth;
using MultiStore.Api.Hosting;
using MultiStore.Api.Tenancy;
using MultiStore.Api.Tests.Tenancy;

namespace MultiStore.Api.Tests.Hosting;

/// <summary>
/// HEAD is the GET of the same URL without its body (RFC 9110 §9.3.2), on every GET route of the contract: crawlers
/// and link checkers use it on robots.txt, sitemaps and product pages, and it used to be a 405.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HeadRequestTests(ApiFactory api)
{
    public static IEnumerable<object[]> GetRoutes =>
        EndpointCatalog.All.Where(endpoint => endpoint.Method == "GET" && endpoint.Sample is not null).Select(endpoint => new object[] { endpoint.Key });

    [Theory]
    [MemberData(nameof(GetRoutes))]
    public async Task Head_OfAGetRoute_AnswersTheGetsStatusAndType_WithoutABody(string key)
    {
        var endpoint = EndpointCatalog.Get(key);
        var store = (await IsolationWorld.GetAsync(api)).Alpha;
        using var client = api.ClientFor(store.Host, TokenFor(endpoint.Access, store.Ids.TenantId));
        using var get = endpoint.Sample!(store.Ids);
        using var head = new HttpRequestMessage(HttpMethod.Head, get.RequestUri);

        using var got = await client.SendAsync(get);
        var body = await got.Content.ReadAsByteArrayAsync();
        using var headed = await client.SendAsync(head);

        Assert.True(endpoint.Access == Access.Hidden || got.IsSuccessStatusCode, $"GET {get.RequestUri} answered {(int)got.StatusCode}");
        Assert.Equal(got.StatusCode, headed.StatusCode);
        Assert.Equal(got.Content.Headers.ContentType?.ToString(), headed.Content.Headers.ContentType?.ToString());
        Assert.Empty(await headed.Content.ReadAsByteArrayAsync());
        if (endpoint.Access == Access.Storefront)
        {
            // The shopper's reads change nothing, so the GET just made has the length HEAD announces.
            Assert.Equal(body.Length, headed.Content.Headers.ContentLength);
        }
    }

    [Fact]
    public async Task Head_OfARouteWithoutGet_Is405NamingItsMethods_AndOfAnUnknownPath404_BothWithoutABody()
    {
        using var shopper = api.ClientFor("fiber-x.localhost");

        using var checkout = await shopper.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/api/carts/{Guid.NewGuid():D}/checkout"));
        using var unknown = await shopper.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/no-such-page"));
        using var anonymousAdmin = await shopper.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/admin/zones"));

        Assert.Equal((HttpStatusCode.MethodNotAllowed, "POST"), (checkout.StatusCode, string.Join(",", checkout.Content.Headers.Allow)));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousAdmin.StatusCode);
        foreach (var answer in new[] { checkout, unknown, anonymousAdmin })
        {
            Assert.Equal("application/problem+json", answer.Content.Headers.ContentType?.MediaType);
            Assert.Empty(await answer.Content.ReadAsByteArrayAsync());
        }
    }

    [Theory]
    [InlineData("/robots.txt", "GET, HEAD")]
    [InlineData("/api/products", "GET, HEAD")]
    [InlineData("/api/carts/c-1/checkout", "POST")]
    public async Task MethodNotAllowed_NamesHeadWhereItNamesGet(string path, string allow)
    {
        using var shopper = api.ClientFor("fiber-x.localhost");

        using var answer = await shopper.SendAsync(new HttpRequestMessage(HttpMethod.Delete, path));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, answer.StatusCode);
        Assert.Equal(allow, string.Join(", ", answer.Content.Headers.Allow));
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/openapi/v1.json")]
    [InlineData(MetricsExtensions.MetricsPath)]
    public async Task Head_OfAStorelessRoute_AnswersTheGetsStatusAndType_WithoutABody(string path)
    {
        using var client = api.ClientFor("10.0.0.7:8080");

        using var got = await client.GetAsync(path);
        var body = await got.Content.ReadAsByteArrayAsync();
        using var headed = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.OK, got.StatusCode);
        Assert.Equal(got.StatusCode, headed.StatusCode);
        Assert.Equal(got.Content.Headers.ContentType?.ToString(), headed.Content.Headers.ContentType?.ToString());
        Assert.Empty(await headed.Content.ReadAsByteArrayAsync());
        if (path != MetricsExtensions.MetricsPath)
        {
            // The scrape's counters move between two requests; these answers do not.
            Assert.Equal(body.Length, headed.Content.Headers.ContentLength);
        }
    }

    [Fact]
    public async Task Head_WithARefusedToken_IsLoggedAsTheHeadItWas()
    {
        var path = $"/api/products/head-{Guid.NewGuid():N}";
        using var client = api.ClientFor("fiber-x.localhost", "not-a-token");

        using var answer = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path));

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        var line = Assert.Single(api.Logs.Lines, line => line.Message.Contains(path, StringComparison.Ordinal));
        Assert.StartsWith($"Refused credentials on HEAD {path}:", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Head_WithAStoreSwitchNotGranted_IsLoggedAsTheHeadItWas()
    {
        var subject = $"head-switch-{Guid.NewGuid():N}";
        var now = DateTimeOffset.UtcNow;
        var token = api.Tokens.Issue(subject, [new(AuthClaims.StoreRole, AuthClaims.StoreRoleValue("fiber-x", StoreRoles.Owner))], now, now.AddMinutes(10));
        using var client = api.ClientFor("fiber-x.localhost", token);
        using var head = new HttpRequestMessage(HttpMethod.Head, "/admin/zones");
        head.Headers.Add(TenantResolutionMiddleware.TenantHeader, "suzume");

        using var answer = await client.SendAsync(head);

        Assert.Equal(HttpStatusCode.Forbidden, answer.StatusCode);
        var line = Assert.Single(api.Logs.Lines, line => line.Message.Contains(subject, StringComparison.Ordinal));
        Assert.EndsWith("(HEAD /admin/zones)", line.Message, StringComparison.Ordinal);
    }

    private string? TokenFor(Access access, string tenant) => access switch
    {
        Access.StoreAdmin or Access.StoreOwner => api.StoreToken(tenant, StoreRoles.Owner, "head-user"),
        Access.Platform => api.PlatformToken("head-operator"),
        _ => null,
    };
}
