using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;
using MultiStore.Api.Auth;

namespace MultiStore.Api.Tests.Security;

/// <summary>
/// The owner's cross-store view (<c>/admin/stores</c>): the stores come from the token's owner grants only, whatever
/// the Host; other roles, other stores and stores that do not exist never appear.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CrossStoreViewTests(ApiFactory api)
{
    [Fact]
    public async Task ListStores_OwnerOfTwoStores_ListsExactlyThoseOnAnyHost()
    {
        var (first, second) = (await StoreDriver.OnboardAsync(api, "own-a"), await StoreDriver.OnboardAsync(api, "own-b"));
        var token = Token(Owner(first), Owner(second), Grant("fiber-x", StoreRoles.Support), Grant("no-such-store-x1", StoreRoles.Owner));

        foreach (var host in new[] { "admin.example.test", first.Host, "suzume.localhost" })
        {
            var stores = await api.ClientFor(host, token).GetAsync("/admin/stores").ExpectAsync(HttpStatusCode.OK);

            Assert.Equal([first.TenantId, second.TenantId], Ids(stores["stores"]!).Order(StringComparer.Ordinal));
            Assert.All(stores["stores"]!.AsArray(), store => Assert.Equal("active", store!.Value<string>("status")));
        }
    }

    [Fact]
    public async Task StoreStock_SumsTheSkuOverOwnedActiveStoresOnly()
    {
        var (first, second, third) = (await StoreDriver.OnboardAsync(api, "agg-a"), await StoreDriver.OnboardAsync(api, "agg-b"), await StoreDriver.OnboardAsync(api, "agg-c"));
        var sku = $"SHARED-{Guid.NewGuid():N}"[..20];
        await first.SetStockAsync(sku, 10);
        await second.SetStockAsync(sku, 5);
        await third.SetStockAsync(sku, 100);
        await first.NewCartAsync(sku, 2);
        var token = Token(Owner(first), Owner(second), Grant(third.TenantId, StoreRoles.BrandManager));

        var view = await api.ClientFor("admin.example.test", token).GetAsync($"/admin/stores/stock/{sku}").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal((15, 2, 13), (view.Value<int>("onHand"), view.Value<int>("reserved"), view.Value<int>("available")));
        Assert.Equal([first.TenantId, second.TenantId], view["stores"]!.AsArray().Select(store => store!.Value<string>("tenantId")));
    }

    [Fact]
    public async Task SuspendedOwnedStore_IsListedAsSuspended_AndLeftOutOfTheTotals()
    {
        var (live, frozen) = (await StoreDriver.OnboardAsync(api, "sus-a"), await StoreDriver.OnboardAsync(api, "sus-b"));
        var sku = $"SUS-{Guid.NewGuid():N}"[..16];
        await live.SetStockAsync(sku, 3);
        await frozen.SetStockAsync(sku, 7);
        using var platform = api.ClientFor("platform.test", api.PlatformToken());
        await platform.PostAsync($"/platform/tenants/{frozen.TenantId}/suspend", null).ExpectAsync(HttpStatusCode.OK);
        using var owner = api.ClientFor("admin.example.test", Token(Owner(live), Owner(frozen)));

        var stores = await owner.GetAsync("/admin/stores").ExpectAsync(HttpStatusCode.OK);
        var view = await owner.GetAsync($"/admin/stores/stock/{sku}").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("suspended", stores["stores"]!.AsArray().Single(store => store!.Value<string>("id") == frozen.TenantId)!.Value<string>("status"));
        Assert.Equal(3, view.Value<int>("onHand"));
    }

    [Fact]
    public async Task ListStores_AfterStoresChangedTheirDefaultZone_ShowsTheLiveZone_SuspendedStoresToo()
    {
        var (live, frozen, unchanged) = (await StoreDriver.OnboardAsync(api, "zone-a"), await StoreDriver.OnboardAsync(api, "zone-b"), await StoreDriver.OnboardAsync(api, "zone-c"));
        await live.Owner.PutJsonAsync("/admin/zones/east", new { name = "East", isDefault = true }).ExpectAsync(HttpStatusCode.OK);
        await frozen.Owner.PutJsonAsync("/admin/zones/west", new { name = "West", isDefault = true }).ExpectAsync(HttpStatusCode.OK);
        using var platform = api.ClientFor("platform.test", api.PlatformToken());
        await platform.PostAsync($"/platform/tenants/{frozen.TenantId}/suspend", null).ExpectAsync(HttpStatusCode.OK);

        var stores = await api.ClientFor("admin.example.test", Token(Owner(live), Owner(frozen), Owner(unchanged)))
            .GetAsync("/admin/stores").ExpectAsync(HttpStatusCode.OK);

        string ZoneOf(StoreDriver store) => stores["stores"]!.AsArray().Single(listed => listed!.Value<string>("id") == store.TenantId)!.Value<string>("defaultZone");
        Assert.Equal(("east", "west", "main"), (ZoneOf(live), ZoneOf(frozen), ZoneOf(unchanged)));
    }

    [Theory]
    [InlineData(StoreRoles.BrandManager)]
    [InlineData(StoreRoles.Warehouse)]
    [InlineData(StoreRoles.Support)]
    public async Task CrossStoreView_WithoutAnOwnerGrant_IsForbidden(string role)
    {
        using var client = api.ClientFor("admin.example.test", Token(Grant("fiber-x", role), Grant("suzume", role)));

        await client.GetAsync("/admin/stores").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await client.GetAsync("/admin/stores/stock/FBX-TEE-BLK-M").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task CrossStoreView_ForPlatformOperatorOrAnonymous_IsRefused()
    {
        await api.ClientFor("admin.example.test", api.PlatformToken()).GetAsync("/admin/stores").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await api.ClientFor("admin.example.test").GetAsync("/admin/stores").ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
    }

    private static Claim Owner(StoreDriver store) => Grant(store.TenantId, StoreRoles.Owner);

    private static Claim Grant(string tenant, string role) => new(AuthClaims.StoreRole, AuthClaims.StoreRoleValue(tenant, role));

    private string Token(params Claim[] grants)
    {
        var now = DateTimeOffset.UtcNow;
        return api.Tokens.Issue("agency", grants, now, now.AddMinutes(10));
    }

    private static IEnumerable<string> Ids(JsonNode stores) => stores.AsArray().Select(store => store!.Value<string>("id"));
}
