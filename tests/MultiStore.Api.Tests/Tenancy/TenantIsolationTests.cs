using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Tests.Tenancy;

/// <summary>
/// Every endpoint of the running app, exercised from the wrong side: another store's host, another store's token,
/// another store's ids, an unknown host and a suspended store. Each refusal must change nothing in either store.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TenantIsolationTests(ApiFactory api)
{
    public static IEnumerable<object[]> StoreEndpoints => EndpointCatalog.Keys(Access.Storefront, Access.StoreAdmin);

    public static IEnumerable<object[]> PlatformEndpoints => EndpointCatalog.Keys(Access.Platform);

    [Fact]
    public void Catalog_CoversEveryEndpointOfTheRunningApp()
    {
        var discovered = EndpointCatalog.Discover(api.Services);
        var classified = EndpointCatalog.All.Select(endpoint => endpoint.Key).ToList();

        var missing = discovered.Except(classified).ToList();
        Assert.True(
            missing.Count == 0,
            "The running app serves endpoints that tests/MultiStore.Api.Tests/Infrastructure/EndpointCatalog.cs does not list, so no "
            + "isolation, role-matrix or hostile-input test covers them. Add one entry per endpoint to EndpointCatalog.All: "
            + "new(method, route, Access.<who may call it>, ids => <a well-formed sample request built from the store's ids>), "
            + "as the entries around it do:\n  " + string.Join("\n  ", missing));
        var stale = classified.Except(discovered).ToList();
        Assert.True(stale.Count == 0, "EndpointCatalog.All lists endpoints the app no longer serves; remove them:\n  " + string.Join("\n  ", stale));
    }

    [Theory]
    [MemberData(nameof(StoreEndpoints))]
    public async Task StoreEndpoint_FromAnotherStore_IsRefusedAndChangesNothing(string key)
    {
        var endpoint = EndpointCatalog.Get(key);
        var world = await IsolationWorld.GetAsync(api);
        var (alpha, beta) = (world.Alpha, world.Beta);
        var alphaToken = api.StoreToken(alpha.Ids.TenantId, StoreRoles.Owner);
        var betaToken = api.StoreToken(beta.Ids.TenantId, StoreRoles.Owner);
        var isAdmin = endpoint.Access == Access.StoreAdmin;
        var alphaBefore = await alpha.SnapshotAsync();
        var betaBefore = await beta.SnapshotAsync();

        // (a) Alpha's request, with Alpha's own token, sent to Beta's host. A storefront request that names no entity
        // (a listing) is simply Beta's own page there: it must succeed and show nothing of Alpha's.
        if (endpoint.NamesNoEntity && !isAdmin)
        {
            using var betaPage = await SendAsync(beta.Host, alphaToken, endpoint.Sample!(alpha.Ids));
            var body = await betaPage.Content.ReadAsStringAsync();
            Assert.True(betaPage.IsSuccessStatusCode, $"{key}: {(int)betaPage.StatusCode} {body}");
            Assert.DoesNotContain(alpha.Ids.Handle, body, StringComparison.Ordinal);
            Assert.DoesNotContain(alpha.Ids.TenantId, body, StringComparison.Ordinal);
        }
        else
        {
            await SendAsync(beta.Host, alphaToken, endpoint.Sample!(alpha.Ids))
                .ExpectProblemAsync(isAdmin ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound);
        }

        // (b) Beta's token on Alpha's host.
        if (isAdmin)
        {
            await SendAsync(alpha.Host, betaToken, endpoint.Sample!(alpha.Ids)).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        // (c) Beta's ids on Alpha's host, with Alpha's own token.
        using (var foreign = await SendAsync(alpha.Host, alphaToken, endpoint.Sample!(beta.ForeignIds(endpoint))))
        {
            if (endpoint.ForeignIdsCreateOwnEntity || endpoint.NamesNoEntity)
            {
                Assert.True(foreign.IsSuccessStatusCode, $"{key}: {(int)foreign.StatusCode} {await foreign.Content.ReadAsStringAsync()}");
            }
            else
            {
                await foreign.ExpectProblemAsync(HttpStatusCode.NotFound);
            }
        }

        // (d) A host no store owns, and a suspended store's own request on its own host.
        await SendAsync(IsolationWorld.UnknownHost, alphaToken, endpoint.Sample!(alpha.Ids))
            .ExpectProblemAsync(HttpStatusCode.NotFound, "store-not-found");
        var frozen = world.Frozen;
        var frozenAnswer = SendAsync(frozen.Host, api.StoreToken(frozen.Ids.TenantId, StoreRoles.Owner), endpoint.Sample!(frozen.Ids));
        if (endpoint.ServesSuspendedStore)
        {
            // Each reads or closes one of the suspended store's own orders (read, cancelled, paid): answered, and it is
            // that order, never another store's.
            var order = await frozenAnswer.ExpectAsync(HttpStatusCode.OK);
            Assert.Contains(order.Value<string>("orderId")!, new[] { frozen.Ids.PayOrderId, frozen.Ids.CancelOrderId });
        }
        else
        {
            await frozenAnswer.ExpectProblemAsync(HttpStatusCode.Forbidden, "store-suspended");
        }

        // (e) Admin routes fail closed for everyone without a role in this store.
        if (isAdmin)
        {
            await SendAsync(alpha.Host, null, endpoint.Sample!(alpha.Ids)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
            await SendAsync(alpha.Host, api.PlatformToken(), endpoint.Sample!(alpha.Ids)).ExpectProblemAsync(HttpStatusCode.Forbidden);
        }

        Assert.Equal(alphaBefore, await alpha.SnapshotAsync());
        Assert.Equal(betaBefore, await beta.SnapshotAsync());
    }

    [Fact]
    public void SuspendedStore_ServesExactlyTheRoutesThatReadOrCloseAnOrderAlreadyPlaced()
    {
        // Stated in full, so that letting one more route through a suspension is a decision this test records.
        string[] served =
        [
            "GET /admin/orders/{orderId}",
            "GET /api/orders/{orderId}",
            "POST /admin/orders/{orderId}/pay",
            "POST /api/orders/{orderId}/cancel",
        ];
        var marked = api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(ServesSuspendedStore.Allows)
            .SelectMany(endpoint => endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods
                .Select(method => $"{method} /{endpoint.RoutePattern.RawText?.TrimStart('/')}"))
            .Order(StringComparer.Ordinal);

        Assert.Equal(served, marked);
        Assert.Equal(served, EndpointCatalog.All.Where(endpoint => endpoint.ServesSuspendedStore).Select(endpoint => endpoint.Key).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(StoreEndpoints))]
    public async Task StoreEndpoint_OnItsOwnHostWithItsOwnIds_Succeeds(string key)
    {
        // Proves each sample request is well-formed, so the refusals above are refusals and not bad input.
        var endpoint = EndpointCatalog.Get(key);
        var world = await IsolationWorld.GetAsync(api);
        var ids = await IsolatedStore.NewIdsAsync(world.Alpha.Driver);

        using var response = await SendAsync(world.Alpha.Host, api.StoreToken(ids.TenantId, StoreRoles.Owner), endpoint.Sample!(ids));

        Assert.True(response.IsSuccessStatusCode, $"{key}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [MemberData(nameof(PlatformEndpoints))]
    public async Task PlatformEndpoint_WithoutOperatorRole_IsRefused(string key)
    {
        var endpoint = EndpointCatalog.Get(key);
        var world = await IsolationWorld.GetAsync(api);
        var alpha = world.Alpha;
        var listBefore = await PlatformListAsync();

        await SendAsync(alpha.Host, null, endpoint.Sample!(alpha.Ids)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        await SendAsync("platform.test", null, endpoint.Sample!(alpha.Ids)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        foreach (var role in StoreRoles.All)
        {
            await SendAsync(alpha.Host, api.StoreToken(alpha.Ids.TenantId, role), endpoint.Sample!(alpha.Ids))
                .ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }

        Assert.Equal(listBefore, await PlatformListAsync());
    }

    [Theory]
    [InlineData("fiber-x.localhost")]
    [InlineData("platform.test")]
    public async Task HiddenLibraryRoute_AnswersNotFoundEverywhere(string host)
    {
        foreach (var endpoint in EndpointCatalog.All.Where(endpoint => endpoint.Access == Access.Hidden))
        {
            await SendAsync(host, api.PlatformToken(), endpoint.Sample!(default!)).ExpectProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task SuspendedStore_AfterResume_ServesAgain()
    {
        var store = await IsolatedStore.PrepareAsync(api, "iso-resume");
        using var platform = api.ClientFor("platform.test", api.PlatformToken());

        await platform.PostAsync($"/platform/tenants/{store.Ids.TenantId}/suspend", null).ExpectAsync(HttpStatusCode.OK);
        await store.Driver.Shopper.GetAsync($"/api/stock/{store.Ids.Sku}").ExpectProblemAsync(HttpStatusCode.Forbidden, "store-suspended");
        await platform.PostAsync($"/platform/tenants/{store.Ids.TenantId}/resume", null).ExpectAsync(HttpStatusCode.OK);

        await store.Driver.Shopper.GetAsync($"/api/stock/{store.Ids.Sku}").ExpectAsync(HttpStatusCode.OK);
    }

    private async Task<string> PlatformListAsync()
    {
        using var platform = api.ClientFor("platform.test", api.PlatformToken());
        return string.Join(",", (await PlatformListing.AllAsync(platform)).Select(tenant => tenant.ToJsonString()));
    }

    private async Task<HttpResponseMessage> SendAsync(string host, string? token, HttpRequestMessage request)
    {
        using var client = api.ClientFor(host, token);
        using (request)
        {
            return await client.SendAsync(request);
        }
    }
}
