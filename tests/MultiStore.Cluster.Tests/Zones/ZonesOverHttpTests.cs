using System.Net;
using System.Text.Json.Nodes;
using MultiStore.Cluster.Tests.Hosting;
using MultiStore.Cluster.Tests.Operations;

namespace MultiStore.Cluster.Tests.Zones;

/// <summary>
/// Warehouse zones over HTTP on the durable cluster (issue 6): a store's zones, stock per zone, and the storefront's
/// product page showing what can be bought in the zone asked for, or in the store's default zone.
/// </summary>
[Collection(OperationsCollection.Name)]
public sealed class ZonesOverHttpTests(OperationsCluster operations)
{
    [Fact]
    public async Task ProductPage_WithAndWithoutZone_ShowsThatZonesOrTheDefaultZonesAvailability()
    {
        var cluster = operations.Cluster;
        var store = await operations.OnboardAsync();
        var owner = store.OwnerToken;
        var product = await cluster.SendAsync(HttpMethod.Post, "admin/products", store.Host, owner, new { handle = "zoned-tee", name = "Zoned Tee", category = "Tees", price = 19.90m }, HttpStatusCode.Created);
        var sku = product["variants"]![0]!["sku"]!.GetValue<string>();

        // A new store has the one zone "main", its default; "east" is added beside it.
        var zones = await cluster.SendAsync(HttpMethod.Get, "admin/zones", store.Host, owner, null, HttpStatusCode.OK);
        Assert.Equal("main: main", ZonesOf(zones));
        await cluster.SendAsync(HttpMethod.Put, "admin/zones/east", store.Host, owner, new { name = "East" }, HttpStatusCode.OK);
        zones = await cluster.SendAsync(HttpMethod.Get, "admin/zones", store.Host, owner, null, HttpStatusCode.OK);
        Assert.Equal("main: east, main", ZonesOf(zones));

        // Stock per zone, and a pending order holding one unit in east (an order keeps its units for the payment window).
        await cluster.SendAsync(HttpMethod.Put, $"admin/stock/{sku}/main", store.Host, owner, new { onHand = 7 }, HttpStatusCode.OK);
        await cluster.SendAsync(HttpMethod.Put, $"admin/stock/{sku}/east", store.Host, owner, new { onHand = 4 }, HttpStatusCode.OK);
        var cartId = Guid.NewGuid().ToString("D");
        await cluster.SendAsync(HttpMethod.Put, $"api/carts/{cartId}/items/{sku}", store.Host, null, new { quantity = 1, zone = "east" }, HttpStatusCode.OK);
        await cluster.SendAsync(HttpMethod.Post, $"api/carts/{cartId}/checkout", store.Host, null, null, HttpStatusCode.Created);
        var levels = await cluster.SendAsync(HttpMethod.Get, $"admin/stock/{sku}", store.Host, owner, null, HttpStatusCode.OK);
        Assert.Equal(
            [("east", 4, 1, 3), ("main", 7, 0, 7)],
            levels["zones"]!.AsArray().Select(zone => (zone!["zone"]!.GetValue<string>(), zone["onHand"]!.GetValue<int>(), zone["reserved"]!.GetValue<int>(), zone["available"]!.GetValue<int>())));

        // The product page: the zone asked for, or the store's default; every zone is listed either way.
        var inEast = await cluster.SendAsync(HttpMethod.Get, "api/products/zoned-tee?zone=east", store.Host, null, null, HttpStatusCode.OK);
        var byDefault = await cluster.SendAsync(HttpMethod.Get, "api/products/zoned-tee", store.Host, null, null, HttpStatusCode.OK);
        Assert.Equal(("east", sku, 3), PageOf(inEast));
        Assert.Equal(("main", sku, 7), PageOf(byDefault));
        Assert.Equal(new Dictionary<string, int> { ["main"] = 7, ["east"] = 3 }, ZoneAvailability(inEast));
        Assert.Equal(ZoneAvailability(inEast), ZoneAvailability(byDefault));
        await cluster.SendAsync(HttpMethod.Get, "api/products/zoned-tee?zone=west", store.Host, null, null, HttpStatusCode.NotFound);

        // East becomes the default (and is renamed): shoppers who name no zone now see east.
        zones = await cluster.SendAsync(HttpMethod.Put, "admin/zones/east", store.Host, owner, new { name = "East warehouse", isDefault = true }, HttpStatusCode.OK);
        Assert.Equal("east: east, main", ZonesOf(zones));
        Assert.Equal("East warehouse", zones["zones"]!.AsArray().Single(zone => zone!["zone"]!.GetValue<string>() == "east")!["name"]!.GetValue<string>());
        Assert.Equal(("east", sku, 3), PageOf(await cluster.SendAsync(HttpMethod.Get, "api/products/zoned-tee", store.Host, null, null, HttpStatusCode.OK)));
        Assert.Equal(("main", sku, 7), PageOf(await cluster.SendAsync(HttpMethod.Get, "api/products/zoned-tee?zone=main", store.Host, null, null, HttpStatusCode.OK)));
    }

    /// <summary>"default: zone, zone…", the zones as the Api lists them (by id).</summary>
    private static string ZonesOf(JsonNode zones) =>
        $"{zones["defaultZone"]!.GetValue<string>()}: {string.Join(", ", zones["zones"]!.AsArray().Select(zone => zone!["zone"]!.GetValue<string>()))}";

    private static (string Zone, string Sku, int Available) PageOf(JsonNode page)
    {
        var variant = Assert.Single(page["variants"]!.AsArray())!;
        return (page["zone"]!.GetValue<string>(), variant["sku"]!.GetValue<string>(), variant["available"]!.GetValue<int>());
    }

    private static Dictionary<string, int> ZoneAvailability(JsonNode page) =>
        Assert.Single(page["variants"]!.AsArray())!["zones"]!.AsArray().ToDictionary(zone => zone!["zone"]!.GetValue<string>(), zone => zone!["available"]!.GetValue<int>());
}
