using System.Net;
using System.Security.Claims;
using MultiStore.Api.Auth;
using MultiStore.Api.Tests.Tenancy;
using Xunit.Abstractions;

namespace MultiStore.Api.Tests.Validation;

/// <summary>
/// Hostile input generated from the running app's endpoint list (through <see cref="EndpointCatalog"/>): for every
/// endpoint, variants of its sample request with broken route values, query values, body fields and bodies, repeated
/// headers and odd Host headers. Each answer must be a 4xx problem+json, never a 500, and the state of every store
/// (read through every read endpoint) must be the same afterwards. <see cref="BadInputTests"/> keeps the hand-written,
/// endpoint-specific values (a negative on-hand, a zero delta); this suite needs no maintenance per endpoint.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class HostileInputTests(ApiFactory api, ITestOutputHelper output)
{
    /// <summary>Host headers that resolve to the store they vary (port, case, trailing dot).</summary>
    public static readonly Func<string, string>[] ResolvingHosts =
    [
        host => host.ToUpperInvariant(),
        host => $"{host}:8443",
        host => $"{host}.",
        host => $"{host.ToUpperInvariant()}.:80",
    ];

    /// <summary>Host headers that name no store: literals, malformed names, look-alikes, smuggled suffixes.</summary>
    public static readonly Func<string, string>[] ForeignHosts =
    [
        _ => "127.0.0.1",
        _ => "127.0.0.1:80",
        _ => "[::1]",
        _ => "[::1]:8080",
        _ => "203.0.113.9",
        _ => "localhost",
        host => $"{host}.evil.test",
        host => $"www.{host}",
        host => $"{host}:abc",
        host => $"{host}:99999",
        host => $"{host}..",
        host => $"user@{host}",
        host => $"{host}/admin",
        host => $"{host},suzume.localhost",
        host => $"{host} suzume.localhost",
        host => host.Replace('.', '_'),
        _ => $"{new string('a', 64)}.test",
        _ => $"{string.Join('.', Enumerable.Repeat(new string('b', 60), 5))}.test",
        _ => "xn--80ak6aa92e.test",
        _ => "fiber-x.localhost%00.evil.test",
    ];

    public static IEnumerable<object[]> Endpoints => EndpointCatalog.All
        .Where(endpoint => endpoint.Sample is not null && endpoint.Access is Access.Storefront or Access.StoreAdmin or Access.StoreOwner or Access.Platform)
        .Select(endpoint => new object[] { endpoint.Key });

    [Fact]
    public void Catalog_EveryBusinessEndpointHasASample_SoItIsAttacked()
    {
        var missing = EndpointCatalog.All
            .Where(endpoint => endpoint.Access is not (Access.System or Access.Hidden) && endpoint.Sample is null)
            .Select(endpoint => endpoint.Key)
            .ToList();

        Assert.True(missing.Count == 0, "Give these catalog entries a sample request (EndpointCatalog.cs): " + string.Join(", ", missing));
    }

    [Fact]
    public void Suite_ReportsItsEndpointByCaseCombinations()
    {
        var ids = new StoreIds("count-store", "SKU-1", "main", Guid.Empty.ToString("D"), Guid.Empty.ToString("D"), Guid.Empty.ToString("D"), "handle");
        var endpoints = EndpointCatalog.All.Where(endpoint => endpoint.Sample is not null && endpoint.Access is Access.Storefront or Access.StoreAdmin or Access.StoreOwner or Access.Platform).ToList();
        var hostile = endpoints.Sum(endpoint => HostileCases.For(endpoint, ids).Count);
        var hosts = endpoints.Count * (ResolvingHosts.Length + ForeignHosts.Length);

        output.WriteLine($"hostile input: {endpoints.Count} endpoints, {hostile} endpoint x case combinations");
        output.WriteLine($"odd hosts: {endpoints.Count} endpoints x {ResolvingHosts.Length + ForeignHosts.Length} hosts = {hosts} combinations");
        Assert.True(hostile > endpoints.Count * 10, $"only {hostile} hostile cases for {endpoints.Count} endpoints");
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_HostileVariantsOfItsSample_Answer4xxProblem_AndChangeNoStore(string key)
    {
        var endpoint = EndpointCatalog.Get(key);
        var world = await IsolationWorld.GetAsync(api);
        var target = await IsolatedStore.PrepareAsync(api, "hostile");
        var stores = Stores(world, target);
        var token = TokenFor(endpoint, target);
        var before = await WorldSnapshot.TakeAsync(api, stores);
        var failures = new List<string>();

        var cases = HostileCases.For(endpoint, target.Ids);
        foreach (var hostile in cases)
        {
            using var client = api.ClientFor(target.Host);
            using var request = HostileCases.Request(endpoint.Method, hostile, token);
            using var response = await client.SendAsync(request);
            await CollectAsync(failures, hostile.Name, response);
        }

        Assert.True(failures.Count == 0, $"{key}: {failures.Count} of {cases.Count} hostile variants were not answered with a 4xx problem. If a variant is legitimate input for this endpoint, list it in the catalog entry's Accepts:\n  {string.Join("\n  ", failures)}");
        Assert.Equal(before, await WorldSnapshot.TakeAsync(api, stores));
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_OnOddHostHeaders_ServesOnlyRealStoreNames_AndChangesNoStore(string key)
    {
        var endpoint = EndpointCatalog.Get(key);
        var world = await IsolationWorld.GetAsync(api);
        var target = await IsolatedStore.PrepareAsync(api, "oddhost");
        var stores = Stores(world, target);
        var token = TokenFor(endpoint, target);
        var storeScoped = endpoint.Access is Access.Storefront or Access.StoreAdmin;
        var invalid = HostileCases.For(endpoint, target.Ids).First();
        var before = await WorldSnapshot.TakeAsync(api, stores);
        var failures = new List<string>();

        foreach (var variant in ResolvingHosts.Select(host => host(target.Host)))
        {
            if (endpoint.Method == "GET")
            {
                // A read is served exactly as on the store's own spelling of its host.
                var expected = await SendAsync(target.Host, endpoint.Sample!(target.Ids), token);
                var actual = await SendAsync(variant, endpoint.Sample!(target.Ids), token);
                if (actual.Status != expected.Status)
                {
                    failures.Add($"Host '{variant}': {actual.Status}, but {expected.Status} on '{target.Host}'");
                }
            }
            else
            {
                using var response = await SendRawAsync(variant, HostileCases.Request(endpoint.Method, invalid, token));
                await CollectAsync(failures, $"Host '{variant}' with {invalid.Name}", response);
            }
        }

        foreach (var foreign in ForeignHosts.Select(host => host(target.Host)))
        {
            // Store routes: even the well-formed request with the store's own token finds no store there. Routes that
            // are not store-scoped ignore the Host, so they get an invalid request instead.
            using var response = storeScoped
                ? await SendRawAsync(foreign, Sample(endpoint, target, token))
                : await SendRawAsync(foreign, HostileCases.Request(endpoint.Method, invalid, token));
            await CollectAsync(failures, $"Host '{foreign}'", response, storeScoped ? HttpStatusCode.NotFound : null);
        }

        Assert.True(failures.Count == 0, $"{key}:\n  {string.Join("\n  ", failures)}");
        Assert.Equal(before, await WorldSnapshot.TakeAsync(api, stores));
    }

    private static IReadOnlyList<(string Host, StoreIds Ids)> Stores(IsolationWorld world, IsolatedStore target) =>
        [(target.Host, target.Ids), (world.Alpha.Host, world.Alpha.Ids), (world.Beta.Host, world.Beta.Ids)];

    private string? TokenFor(EndpointCase endpoint, IsolatedStore store) => endpoint.Access switch
    {
        Access.Platform => api.PlatformToken(),
        Access.StoreAdmin or Access.StoreOwner => api.StoreToken(store.Ids.TenantId, StoreRoles.Owner),
        _ => null,
    };

    private static HttpRequestMessage Sample(EndpointCase endpoint, IsolatedStore store, string? token)
    {
        var request = endpoint.Sample!(store.Ids);
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        }

        return request;
    }

    private async Task<(int Status, string Body)> SendAsync(string host, HttpRequestMessage request, string? token)
    {
        using (request)
        {
            if (token is not null)
            {
                request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
            }

            using var response = await SendRawAsync(host, request);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }
    }

    private Task<HttpResponseMessage> SendRawAsync(string host, HttpRequestMessage request)
    {
        var client = api.ClientFor("unused.invalid");
        request.Headers.TryAddWithoutValidation("Host", host);
        return client.SendAsync(request);
    }

    private static async Task CollectAsync(List<string> failures, string name, HttpResponseMessage response, HttpStatusCode? expected = null)
    {
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync();
        var problem = response.Content.Headers.ContentType?.MediaType == Http.ProblemContentType;
        if (status is < 400 or >= 500 || !problem || (expected is { } exact && response.StatusCode != exact))
        {
            failures.Add($"{name}: {status}{(problem ? string.Empty : " (not problem+json)")} {(body.Length > 160 ? body[..160] + "…" : body)}");
        }
    }
}
