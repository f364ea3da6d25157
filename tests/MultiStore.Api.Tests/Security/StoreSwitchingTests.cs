using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Tests.Security;

/// <summary>
/// <c>X-Tenant-ID</c> lets someone who runs several stores pick one on an admin route; it is honoured only when the
/// token holds a role in that store, refused (403, logged) otherwise, and never changes the store of a storefront
/// request: there the Host rules.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class StoreSwitchingTests(ApiFactory api)
{
    private const string Header = TenantResolutionMiddleware.TenantHeader;

    [Fact]
    public async Task AdminRoute_WithGrantedStoreHeader_ActsForThatStore_OnAnyHost()
    {
        var (first, second) = (await StoreDriver.OnboardAsync(api, "sw-a"), await StoreDriver.OnboardAsync(api, "sw-b"));
        var sku = first.NewSku("SW");
        await first.SetStockAsync(sku, 4);
        var token = Token(Grant(first.TenantId, StoreRoles.Owner), Grant(second.TenantId, StoreRoles.Warehouse));

        foreach (var host in new[] { first.Host, "admin.example.test" })
        {
            using var client = api.ClientFor(host, token);
            await Send(client, HttpMethod.Put, $"/admin/stock/{sku}/main", second.TenantId, new { onHand = 9 }).ExpectAsync(HttpStatusCode.OK);
            var levels = await Send(client, HttpMethod.Get, $"/admin/stock/{sku}", second.TenantId).ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(9, levels["zones"]![0]!.Value<int>("onHand"));
        }

        // The first store's own entry is untouched.
        Assert.Equal(4, (await first.StockAsync(sku))["zones"]![0]!.Value<int>("onHand"));
    }

    [Fact]
    public async Task AdminRoute_SwitchedStore_GrantsOnlyTheRolesHeldThere()
    {
        var (first, second) = (await StoreDriver.OnboardAsync(api, "sw-c"), await StoreDriver.OnboardAsync(api, "sw-d"));
        var sku = second.NewSku("SW");
        await second.SetStockAsync(sku, 4);
        using var client = api.ClientFor(first.Host, Token(Grant(first.TenantId, StoreRoles.Owner), Grant(second.TenantId, StoreRoles.Support)));

        await Send(client, HttpMethod.Get, $"/admin/stock/{sku}", second.TenantId).ExpectAsync(HttpStatusCode.OK);
        await Send(client, HttpMethod.Put, $"/admin/stock/{sku}/main", second.TenantId, new { onHand = 0 }).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(4, (await second.StockAsync(sku))["zones"]![0]!.Value<int>("onHand"));
    }

    [Fact]
    public async Task AdminRoute_WithStoreHeaderNotGranted_Returns403_LogsAndChangesNothing()
    {
        var (mine, theirs) = (await StoreDriver.OnboardAsync(api, "sw-e"), await StoreDriver.OnboardAsync(api, "sw-f"));
        var sku = theirs.NewSku("SW");
        await theirs.SetStockAsync(sku, 4);
        var subject = $"intruder-{Guid.NewGuid():N}";
        using var client = api.ClientFor(mine.Host, Token(subject, Grant(mine.TenantId, StoreRoles.Owner)));

        await Send(client, HttpMethod.Put, $"/admin/stock/{sku}/main", theirs.TenantId, new { onHand = 0 }).ExpectProblemAsync(HttpStatusCode.Forbidden, "store-not-granted");
        await Send(client, HttpMethod.Get, $"/admin/stock/{sku}", theirs.TenantId).ExpectProblemAsync(HttpStatusCode.Forbidden, "store-not-granted");
        // A store that does not exist is refused the same way: the answer never tells which stores exist.
        await Send(client, HttpMethod.Get, $"/admin/stock/{sku}", "no-such-store-sw").ExpectProblemAsync(HttpStatusCode.Forbidden, "store-not-granted");

        Assert.Equal(4, (await theirs.StockAsync(sku))["zones"]![0]!.Value<int>("onHand"));
        var warnings = api.Logs.Lines.Where(line => line.Message.Contains(subject, StringComparison.Ordinal)).ToList();
        Assert.Equal(3, warnings.Count);
        Assert.All(warnings, line => Assert.Contains("X-Tenant-ID", line.Message, StringComparison.Ordinal));
        Assert.Contains(warnings, line => line.Message.Contains(theirs.TenantId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AdminRoute_WithStoreHeaderNotGranted_IsRefusedFromTheTokenAlone_WakingNoGrainOfAMadeUpStore()
    {
        var (mine, theirs) = (await StoreDriver.OnboardAsync(api, "sw-k"), await StoreDriver.OnboardAsync(api, "sw-l"));
        var ghost = TenantId.Parse($"ghost-{Guid.NewGuid():N}"[..20]);
        using var client = api.ClientFor(mine.Host, Token(Grant(mine.TenantId, StoreRoles.Owner)));

        var toGhost = await Send(client, HttpMethod.Get, "/admin/zones", ghost.Value).ExpectProblemAsync(HttpStatusCode.Forbidden, "store-not-granted");
        var toTheirs = await Send(client, HttpMethod.Get, "/admin/zones", theirs.TenantId).ExpectProblemAsync(HttpStatusCode.Forbidden, "store-not-granted");

        // The same answer whether the store exists or not (but for the trace id), and no lookup of the made-up one:
        // its store record was never activated.
        Assert.Equal(WithoutTraceId(toTheirs), WithoutTraceId(toGhost));
        var grains = api.Services.GetRequiredService<IGrainFactory>();
        var ghostRecord = grains.GetGrain<ITenantGrain>(TenantKey.For(ghost, ITenantGrain.EntityId));
        Assert.Null(await grains.GetGrain<IManagementGrain>(0).GetActivationAddress(ghostRecord));
    }

    [Fact]
    public async Task AdminRoute_StoreHeaderForPlatformOperatorOrAnonymous_IsRefused()
    {
        await Send(api.ClientFor("fiber-x.localhost", api.PlatformToken()), HttpMethod.Get, "/admin/stock/FBX-TEE-BLK-M", "fiber-x")
            .ExpectProblemAsync(HttpStatusCode.Forbidden, "store-not-granted");
        await Send(api.ClientFor("fiber-x.localhost"), HttpMethod.Get, "/admin/stock/FBX-TEE-BLK-M", "fiber-x")
            .ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("Fiber-X")]
    [InlineData("fiber-x.localhost")]
    [InlineData("../suzume")]
    [InlineData("fiber_x")]
    [InlineData("fiber-x,suzume")]
    [InlineData("f")]
    public async Task AdminRoute_MalformedStoreHeader_Returns400(string value)
    {
        using var client = api.ClientFor("fiber-x.localhost", api.StoreToken("fiber-x", StoreRoles.Owner));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/stock/FBX-TEE-BLK-M");
        request.Headers.TryAddWithoutValidation(Header, value);

        await (await client.SendAsync(request)).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid-tenant-header");
    }

    [Fact]
    public async Task AdminRoute_TwoStoreHeaders_Returns400()
    {
        using var client = api.ClientFor("fiber-x.localhost", Token(Grant("fiber-x", StoreRoles.Owner), Grant("suzume", StoreRoles.Owner)));
        using var request = new HttpRequestMessage(HttpMethod.Get, "/admin/stock/FBX-TEE-BLK-M");
        request.Headers.TryAddWithoutValidation(Header, ["fiber-x", "suzume"]);

        await (await client.SendAsync(request)).ExpectProblemAsync(HttpStatusCode.BadRequest, "duplicate-header");
    }

    [Fact]
    public async Task AdminRoute_GrantedButSuspendedOrMissingStore_IsRefusedLikeItsHost()
    {
        var frozen = await StoreDriver.OnboardAsync(api, "sw-g");
        using var platform = api.ClientFor("platform.test", api.PlatformToken());
        await platform.PostAsync($"/platform/tenants/{frozen.TenantId}/suspend", null).ExpectAsync(HttpStatusCode.OK);
        using var client = api.ClientFor("fiber-x.localhost", Token(Grant(frozen.TenantId, StoreRoles.Owner), Grant("granted-but-gone", StoreRoles.Owner)));

        await Send(client, HttpMethod.Get, "/admin/zones", frozen.TenantId).ExpectProblemAsync(HttpStatusCode.Forbidden, "store-suspended");
        await Send(client, HttpMethod.Get, "/admin/zones", "granted-but-gone").ExpectProblemAsync(HttpStatusCode.NotFound, "store-not-found");

        await platform.PostAsync($"/platform/tenants/{frozen.TenantId}/resume", null).ExpectAsync(HttpStatusCode.OK);
        await Send(client, HttpMethod.Get, "/admin/zones", frozen.TenantId).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Storefront_IgnoresTheStoreHeader_TheHostRules()
    {
        var (first, second) = (await StoreDriver.OnboardAsync(api, "sw-h"), await StoreDriver.OnboardAsync(api, "sw-i"));
        var (firstSku, secondSku) = (first.NewSku("SF"), second.NewSku("SF"));
        await first.SetStockAsync(firstSku, 3);
        await second.SetStockAsync(secondSku, 3);
        var token = Token(Grant(first.TenantId, StoreRoles.Owner), Grant(second.TenantId, StoreRoles.Owner));

        foreach (var client in new[] { first.Shopper, api.ClientFor(first.Host, token) })
        {
            await Send(client, HttpMethod.Get, $"/api/stock/{firstSku}", second.TenantId).ExpectAsync(HttpStatusCode.OK);
            await Send(client, HttpMethod.Get, $"/api/stock/{secondSku}", second.TenantId).ExpectProblemAsync(HttpStatusCode.NotFound);
            await Send(client, HttpMethod.Put, $"/api/carts/{Guid.NewGuid()}/items/{secondSku}", second.TenantId, new { quantity = 1 }).ExpectProblemAsync(HttpStatusCode.NotFound);
        }

        Assert.Equal(0, await second.ReservedAsync(secondSku));
    }

    [Fact]
    public async Task CrossStoreView_IgnoresTheStoreHeader()
    {
        var owned = await StoreDriver.OnboardAsync(api, "sw-j");
        using var client = api.ClientFor("admin.example.test", Token(Grant(owned.TenantId, StoreRoles.Owner)));

        var stores = await Send(client, HttpMethod.Get, "/admin/stores", "fiber-x").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(owned.TenantId, Assert.Single(stores["stores"]!.AsArray())!.Value<string>("id"));
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string url, string tenant, object? body = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = body is null ? null : Http.Json(body) };
        request.Headers.Add(Header, tenant);
        return client.SendAsync(request);
    }

    private static string WithoutTraceId(JsonNode problem)
    {
        var copy = problem.DeepClone().AsObject();
        copy.Remove("traceId");
        return copy.ToJsonString();
    }

    private static Claim Grant(string tenant, string role) => new(AuthClaims.StoreRole, AuthClaims.StoreRoleValue(tenant, role));

    private string Token(params Claim[] grants) => Token("switcher", grants);

    private string Token(string subject, params Claim[] grants)
    {
        var now = DateTimeOffset.UtcNow;
        return api.Tokens.Issue(subject, grants, now, now.AddMinutes(10));
    }
}
