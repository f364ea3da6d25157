using System.Net;
using System.Text.Json.Nodes;
using MultiStore.Cluster.Tests.Hosting;
using MultiStore.Cluster.Tests.Operations;

namespace MultiStore.Cluster.Tests.Catalog;

/// <summary>
/// The catalog and the storefront's theme over HTTP on the durable cluster (issue 6): products with variants and
/// generated SKUs, stable across an update and a silo restart; the storefront listing pages only active products;
/// the theme an admin sets is what the storefront serves, also after the restart.
/// </summary>
[Collection(OperationsCollection.Name)]
public sealed class CatalogOverHttpTests(OperationsCluster operations)
{
    [Fact]
    public async Task Catalog_CreateVariantsUpdateArchiveAndTheme_AreServedAndSurviveASiloRestart()
    {
        var cluster = operations.Cluster;
        var store = await operations.OnboardAsync();
        var shampoo = await cluster.SendAsync(HttpMethod.Post, "admin/products", store.Host, store.OwnerToken, new
        {
            name = "Argan Oil Shampoo",
            category = "Hair",
            price = 14.90m,
            variants = new[] { new { attributes = new Dictionary<string, string> { ["color"] = "Black", ["size"] = "250ml" } } },
        }, HttpStatusCode.Created);
        var code = shampoo["code"]!.GetValue<string>();
        await cluster.SendAsync(HttpMethod.Post, "admin/products/argan-oil-shampoo/variants", store.Host, store.OwnerToken,
            new { attributes = new Dictionary<string, string> { ["color"] = "Green", ["size"] = "500ml" } }, HttpStatusCode.OK);
        var renamed = await cluster.SendAsync(HttpMethod.Put, "admin/products/argan-oil-shampoo", store.Host, store.OwnerToken,
            new { name = "Argan Shampoo", price = 15.50m }, HttpStatusCode.OK);
        for (var i = 0; i < 3; i++)
        {
            await cluster.SendAsync(HttpMethod.Post, "admin/products", store.Host, store.OwnerToken, new { handle = $"comb-{i}", name = $"Comb {i}", category = "Tools", price = 3m }, HttpStatusCode.Created);
        }

        await cluster.SendAsync(HttpMethod.Post, "admin/products/comb-1/archive", store.Host, store.OwnerToken, null, HttpStatusCode.OK);
        await cluster.SendAsync(HttpMethod.Put, "admin/storefront/theme", store.Host, store.OwnerToken,
            new { theme = new { colors = new { primary = "#102030" }, sections = new[] { "hero", "grid" } } }, HttpStatusCode.OK);

        // SKUs name store, category, product and variant, and an update keeps them.
        Assert.Equal([$"{code}-BLK-250ML", $"{code}-GRN-500ML"], Skus(renamed));
        Assert.Equal(("Argan Shampoo", 15.50m), (renamed["name"]!.GetValue<string>(), renamed["price"]!.GetValue<decimal>()));
        var before = await StorefrontAsync();

        // The only silo stops (SIGTERM) and starts again: what the storefront serves afterwards comes from PostgreSQL.
        var generation = cluster.Silos.Single().Generation;
        await cluster.Silos.Single().StopAsync(TimeSpan.FromSeconds(60));
        await cluster.RestoreAsync();
        Assert.Equal(generation + 1, cluster.Silos.Single().Generation);

        var after = await StorefrontAsync();
        Assert.Equal(before, after);
        Assert.Equal(["argan-oil-shampoo", "comb-0"], after.FirstPage);
        Assert.Equal(["comb-2"], after.SecondPage);
        Assert.Equal(3, after.Total);
        Assert.Equal([$"{code}-BLK-250ML", $"{code}-GRN-500ML"], after.Skus);
        Assert.Equal("#102030", after.Primary);

        async Task<StorefrontView> StorefrontAsync()
        {
            var first = await cluster.SendAsync(HttpMethod.Get, "api/products?pageSize=2", store.Host, null, null, HttpStatusCode.OK);
            var second = await cluster.SendAsync(HttpMethod.Get, "api/products?page=2&pageSize=2", store.Host, null, null, HttpStatusCode.OK);
            var page = await cluster.SendAsync(HttpMethod.Get, "api/products/argan-oil-shampoo", store.Host, null, null, HttpStatusCode.OK);
            var storefront = await cluster.SendAsync(HttpMethod.Get, "api/storefront", store.Host, null, null, HttpStatusCode.OK);
            return new StorefrontView(
                Handles(first), Handles(second), first["total"]!.GetValue<int>(), Skus(page), storefront["theme"]!["colors"]!["primary"]!.GetValue<string>());
        }
    }

    private static List<string> Skus(JsonNode product) => [.. product["variants"]!.AsArray().Select(variant => variant!["sku"]!.GetValue<string>())];

    private static List<string> Handles(JsonNode page) => [.. page["items"]!.AsArray().Select(item => item!["handle"]!.GetValue<string>())];

    private sealed record StorefrontView(List<string> FirstPage, List<string> SecondPage, int Total, List<string> Skus, string Primary)
    {
        public bool Equals(StorefrontView? other) =>
            other is not null && FirstPage.SequenceEqual(other.FirstPage) && SecondPage.SequenceEqual(other.SecondPage)
            && Total == other.Total && Skus.SequenceEqual(other.Skus) && Primary == other.Primary;

        public override int GetHashCode() => HashCode.Combine(Total, Primary);
    }
}
