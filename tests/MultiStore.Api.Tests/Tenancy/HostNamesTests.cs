using System.Net;
using MultiStore.Grains.Interfaces.Platform;

namespace MultiStore.Api.Tests.Tenancy;

/// <summary>How a Host header becomes a store domain (one rule for resolution and onboarding).</summary>
public sealed class HostNamesTests
{
    [Theory]
    [InlineData("fiber-x.localhost", "fiber-x.localhost")]
    [InlineData("FIBER-X.LocalHost", "fiber-x.localhost")]
    [InlineData("fiber-x.localhost:5080", "fiber-x.localhost")]
    [InlineData("fiber-x.localhost.", "fiber-x.localhost")]
    [InlineData("Fiber-X.Localhost.:443", "fiber-x.localhost")]
    [InlineData("  shop.example.com  ", "shop.example.com")]
    [InlineData("xn--bcher-kva.example", "xn--bcher-kva.example")]
    [InlineData("localhost", "localhost")]
    public void TryNormalize_DnsName_LowercasesAndDropsPortAndTrailingDot(string header, string expected)
    {
        Assert.True(HostNames.TryNormalize(header, out var host));
        Assert.Equal(expected, host);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:5080")]
    [InlineData("[::1]")]
    [InlineData("[::1]:5080")]
    [InlineData("::1")]
    [InlineData("fiber-x.localhost:")]
    [InlineData("fiber-x.localhost:http")]
    [InlineData("fiber-x.localhost:80:80")]
    [InlineData("fiber-x.localhost:0")]
    [InlineData("fiber-x.localhost:65536")]
    [InlineData("fiber-x.localhost:99999")]
    [InlineData("fiber-x.localhost:000443")]
    [InlineData("fiber-x.localhost..")]
    [InlineData("fiber-x.localhost..:80")]
    [InlineData("büch.example")]
    [InlineData("\u212Akumo.test")]
    [InlineData("KUMO.TEST\u212A")]
    [InlineData("fiber-\u0130.localhost")]
    [InlineData("a b.example")]
    [InlineData("fiber-x.localhost/path")]
    [InlineData("https://fiber-x.localhost")]
    [InlineData("-leading.example")]
    [InlineData("trailing-.example")]
    [InlineData("two..dots.example")]
    [InlineData("fiber-x.localhost,suzume.localhost")]
    public void TryNormalize_NotAStoreHost_IsRefused(string? header)
    {
        Assert.False(HostNames.TryNormalize(header, out var host));
        Assert.Null(host);
    }

    [Fact]
    public void TryNormalize_OverlongName_IsRefused()
    {
        var name = string.Join('.', Enumerable.Repeat(new string('a', 63), 4)) + ".example";

        Assert.False(HostNames.TryNormalize(name, out _));
    }
}

/// <summary>Host resolution as a request sees it.</summary>
[Collection(ApiCollection.Name)]
public sealed class HostResolutionTests(ApiFactory api)
{
    [Theory]
    [InlineData("fiber-x.localhost")]
    [InlineData("FIBER-X.LOCALHOST")]
    [InlineData("fiber-x.localhost:8443")]
    [InlineData("fiber-x.localhost.")]
    public async Task Request_HostVariantsOfAStoreDomain_ResolveToThatStore(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/stock/FBX-TEE-BLK-M");
        request.Headers.Host = host;

        using var response = await api.ClientFor("ignored.test").SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:5080")]
    [InlineData("[::1]:5080")]
    [InlineData("localhost")]
    [InlineData("x.fiber-x.localhost")]
    [InlineData("fiber-x.localhost.evil.test")]
    public async Task Request_HostOfNoStore_Returns404Problem(string host)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/stock/FBX-TEE-BLK-M");
        request.Headers.Host = host;

        using var response = await api.ClientFor("ignored.test").SendAsync(request);

        await response.ExpectProblemAsync(HttpStatusCode.NotFound, "store-not-found");
    }

    [Theory]
    [InlineData("/openapi/v1.json")]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    public async Task UnscopedPaths_AnswerOnAnyHost(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Host = "127.0.0.1";

        using var response = await api.ClientFor("ignored.test").SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
