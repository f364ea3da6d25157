using System.Net;
using MultiStore.Api.Auth;

namespace MultiStore.Api.Tests.Zones;

/// <summary>Warehouse zones over HTTP: the default zone, adding zones, and the default shoppers get.</summary>
[Collection(ApiCollection.Name)]
public sealed class ZonesTests(ApiFactory api)
{
    [Fact]
    public async Task NewStore_HasMainAsItsDefaultZone()
    {
        var store = await StoreDriver.OnboardAsync(api, "zones-new");

        var zones = await store.Owner.GetAsync("/admin/zones").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("main", zones.Value<string>("defaultZone"));
        Assert.Equal(["main"], zones["zones"]!.AsArray().Select(zone => zone!.Value<string>("zone")));
    }

    [Fact]
    public async Task PutZone_AsDefault_IsWhereCartLinesReserveWhenShoppersNameNoZone()
    {
        var store = await StoreDriver.OnboardAsync(api, "zones-default");
        var sku = store.NewSku();
        await store.AddZoneAsync("east");
        await store.SetStockAsync(sku, 5, "east");

        var zones = await store.Owner.PutJsonAsync("/admin/zones/east", new { name = "East", isDefault = true }).ExpectAsync(HttpStatusCode.OK);
        var cart = await store.Shopper.PutJsonAsync($"/api/carts/{Guid.NewGuid()}/items/{sku}", new { quantity = 2 }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("east", zones.Value<string>("defaultZone"));
        Assert.Equal("east", cart["lines"]![0]!.Value<string>("zone"));
    }

    [Fact]
    public async Task PutZone_BySupport_IsForbidden()
    {
        var store = await StoreDriver.OnboardAsync(api, "zones-perm");
        using var support = store.ClientWith(api.StoreToken(store.TenantId, StoreRoles.Support));

        await support.PutJsonAsync("/admin/zones/east", new { name = "East" }).ExpectProblemAsync(HttpStatusCode.Forbidden);
    }
}
