using System.Net;
using System.Text.RegularExpressions;
using MultiStore.Api.Auth;
using MultiStore.Grains.Catalog;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Api.Tests.Catalog;

/// <summary>Products, variants and generated SKUs over HTTP: admin create/update/archive, storefront listing and product page.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class CatalogTests(ApiFactory api)
{
    [Fact]
    public async Task CreateProduct_WithVariants_IssuesSkusNamingStoreCategoryProductAndVariant()
    {
        var store = await StoreDriver.OnboardAsync(api, "cat-sku");

        var product = await store.Owner.PostJsonAsync("/admin/products", new
        {
            name = "Argan Oil Shampoo",
            category = "Hair",
            price = 14.90m,
            variants = new[]
            {
                new { attributes = new Dictionary<string, string> { ["color"] = "Black", ["size"] = "250ml" } },
                new { attributes = new Dictionary<string, string> { ["color"] = "Green", ["size"] = "500ml" } },
            },
        }).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal("argan-oil-shampoo", product.Value<string>("handle"));
        var code = product.Value<string>("code");
        Assert.Matches(ProductCodePattern(), code);
        var skus = product["variants"]!.AsArray().Select(variant => variant!.Value<string>("sku")).ToList();
        Assert.Equal([$"{code}-BLK-250ML", $"{code}-GRN-500ML"], skus);
        Assert.All(skus, sku => Assert.True(IdRules.IsSku(sku)));
        Assert.Equal(14.90m, product.Value<decimal>("price"));
        Assert.Equal("EUR", product.Value<string>("currency"));
    }

    [Fact]
    public async Task UpdateProduct_RenameAndRecategorize_KeepsSkusStable()
    {
        var store = await StoreDriver.OnboardAsync(api, "cat-stable");
        var handle = await store.NewProductAsync("Tees");
        var before = await store.ProductAsync(handle);

        var after = await store.Owner.PutJsonAsync($"/admin/products/{handle}", new { name = "Renamed tee", category = "Shirts", price = 30m })
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Renamed tee", after.Value<string>("name"));
        Assert.Equal("Shirts", after.Value<string>("category"));
        Assert.Equal(before.Value<string>("code"), after.Value<string>("code"));
        Assert.Equal(before["variants"]!.ToJsonString(), after["variants"]!.ToJsonString());
    }

    [Fact]
    public async Task ProductPage_ShowsAvailabilityPerZone_ForTheAskedOrDefaultZone()
    {
        var store = await StoreDriver.OnboardAsync(api, "cat-zones");
        await store.Owner.PutJsonAsync("/admin/zones/east", new { name = "East" }).ExpectAsync(HttpStatusCode.OK);
        var handle = await store.NewProductAsync();
        var skus = (await store.ProductAsync(handle))["variants"]!.AsArray().Select(variant => variant!.Value<string>("sku")).ToList();
        await store.SetStockAsync(skus[0], 10, "main", safetyStock: 2);
        await store.SetStockAsync(skus[0], 4, "east");
        await store.SetStockAsync(skus[1], 3, "east");

        var byDefault = await store.Shopper.GetAsync($"/api/products/{handle}").ExpectAsync(HttpStatusCode.OK);
        var east = await store.Shopper.GetAsync($"/api/products/{handle}?zone=east").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("main", byDefault.Value<string>("zone"));
        Assert.Equal([8, 0], byDefault["variants"]!.AsArray().Select(variant => variant!.Value<int>("available")));
        Assert.Equal([4, 3], east["variants"]!.AsArray().Select(variant => variant!.Value<int>("available")));
        var zones = east["variants"]![0]!["zones"]!.AsArray().Select(zone => $"{zone!.Value<string>("zone")}={zone!.Value<int>("available")}");
        Assert.Equal(["east=4", "main=8"], zones);
        await store.Shopper.GetAsync($"/api/products/{handle}?zone=west").ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task ListProducts_PagesActiveProductsInCreationOrder()
    {
        var store = await StoreDriver.OnboardAsync(api, "cat-list");
        var handles = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            handles.Add(await store.NewProductAsync(i % 2 == 0 ? "Tees" : "Caps"));
        }

        var first = await store.Shopper.GetAsync("/api/products?pageSize=2").ExpectAsync(HttpStatusCode.OK);
        var third = await store.Shopper.GetAsync("/api/products?page=3&pageSize=2").ExpectAsync(HttpStatusCode.OK);
        var caps = await store.Shopper.GetAsync("/api/products?category=caps").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(5, first.Value<int>("total"));
        Assert.Equal(handles[..2], first["items"]!.AsArray().Select(item => item!.Value<string>("handle")));
        Assert.Equal([handles[4]], third["items"]!.AsArray().Select(item => item!.Value<string>("handle")));
        Assert.Equal([handles[1], handles[3]], caps["items"]!.AsArray().Select(item => item!.Value<string>("handle")));
    }

    [Fact]
    public async Task ListProducts_ByCursor_NeitherSkipsNorRepeats_WhenAProductIsArchivedBetweenPages()
    {
        var store = await StoreDriver.OnboardAsync(api, "cat-cursor");
        var handles = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            handles.Add(await store.NewProductAsync());
        }

        var first = await store.Shopper.GetAsync("/api/products?after=0&pageSize=2").ExpectAsync(HttpStatusCode.OK);
        // The shopper has seen the first two; one of them is archived before the next page is asked for.
        await store.Owner.PostAsync($"/admin/products/{handles[0]}/archive", null).ExpectAsync(HttpStatusCode.OK);
        var second = await store.Shopper.GetAsync($"/api/products?after={first.Value<int>("next")}&pageSize=2").ExpectAsync(HttpStatusCode.OK);
        var third = await store.Shopper.GetAsync($"/api/products?after={second.Value<int>("next")}&pageSize=2").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(handles[..2], Handles(first));
        Assert.Equal(handles[2..4], Handles(second));
        Assert.Equal([handles[4]], Handles(third));
        Assert.Null(third["next"]);
        Assert.Equal(4, third.Value<int>("total"));
        await store.Shopper.GetAsync("/api/products?after=0&page=1").ExpectProblemAsync(HttpStatusCode.BadRequest);
        await store.Shopper.GetAsync("/api/products?after=-1").ExpectProblemAsync(HttpStatusCode.BadRequest);

        static IEnumerable<string?> Handles(System.Text.Json.Nodes.JsonNode page) => page["items"]!.AsArray().Select(item => item!.Value<string>("handle"));
    }

    [Fact]
    public async Task ListProducts_ByCursor_PageFollowedOnlyByHiddenProducts_HasNoNext()
    {
        var store = await StoreDriver.OnboardAsync(api, "cat-cursor-end");
        var tee = await store.NewProductAsync("Tees");
        var hat = await store.NewProductAsync("Hats");
        var archived = await store.NewProductAsync("Tees");
        await store.Owner.PostAsync($"/admin/products/{archived}/archive", null).ExpectAsync(HttpStatusCode.OK);

        // Both pages hold the last product for sale; only an archived product or another category's follow.
        var all = await store.Shopper.GetAsync("/api/products?after=0&pageSize=2").ExpectAsync(HttpStatusCode.OK);
        var tees = await store.Shopper.GetAsync("/api/products?after=0&pageSize=1&category=tees").ExpectAsync(HttpStatusCode.OK);
        var hats = await store.Shopper.GetAsync("/api/products?after=0&pageSize=1&category=hats").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([tee, hat], all["items"]!.AsArray().Select(item => item!.Value<string>("handle")));
        Assert.Null(all["next"]);
        Assert.Equal([tee], tees["items"]!.AsArray().Select(item => item!.Value<string>("handle")));
        Assert.Null(tees["next"]);
        Assert.Equal([hat], hats["items"]!.AsArray().Select(item => item!.Value<string>("handle")));
        Assert.Null(hats["next"]);
    }

    [Fact]
    public async Task ArchiveProduct_HidesItFromTheStorefront_AndStopsNewCartLines()
    {
        var store = await StoreDriver.OnboardAsync(api, "cat-archive");
        var handle = await store.NewProductAsync();
        var sku = (await store.ProductAsync(handle))["variants"]![0]!.Value<string>("sku");
        await store.SetStockAsync(sku, 5);

        var archived = await store.Owner.PostAsync($"/admin/products/{handle}/archive", null).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("archived", archived.Value<string>("status"));
        await store.Shopper.GetAsync($"/api/products/{handle}").ExpectProblemAsync(HttpStatusCode.NotFound);
        var listing = await store.Shopper.GetAsync("/api/products").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(0, listing.Value<int>("total"));
        await store.Shopper.PutJsonAsync($"/api/carts/{Guid.NewGuid()}/items/{sku}", new { quantity = 1 }).ExpectProblemAsync(HttpStatusCode.NotFound);
        // Still an admin's product, with the same SKU.
        Assert.Equal(sku, (await store.ProductAsync(handle))["variants"]![0]!.Value<string>("sku"));
    }

    [Fact]
    public async Task ArchiveProduct_InACartAlready_StopsItsCheckout_UntilTheLineIsRemoved()
    {
        var store = await StoreDriver.OnboardAsync(api, "cat-archcart");
        var (archivedHandle, keptHandle) = (await store.NewProductAsync(), await store.NewProductAsync());
        var archivedSku = (await store.ProductAsync(archivedHandle))["variants"]![0]!.Value<string>("sku");
        var keptSku = (await store.ProductAsync(keptHandle))["variants"]![0]!.Value<string>("sku");
        await store.SetStockAsync(archivedSku, 5);
        await store.SetStockAsync(keptSku, 5);
        var cart = await store.NewCartAsync(archivedSku, 1);
        await store.Shopper.PutJsonAsync($"/api/carts/{cart}/items/{keptSku}", new { quantity = 2 }).ExpectAsync(HttpStatusCode.OK);
        await store.Owner.PostAsync($"/admin/products/{archivedHandle}/archive", null).ExpectAsync(HttpStatusCode.OK);

        var refused = await store.Shopper.PostAsync($"/api/carts/{cart}/checkout", null).ExpectProblemAsync(HttpStatusCode.Conflict, "not-for-sale");
        Assert.Contains(archivedSku, refused.Value<string>("detail"), StringComparison.Ordinal);
        Assert.Equal(1, await store.ReservedAsync(archivedSku));

        await store.Shopper.DeleteAsync($"/api/carts/{cart}/items/{archivedSku}").ExpectAsync(HttpStatusCode.OK);
        var order = await store.Shopper.PostAsync($"/api/carts/{cart}/checkout", null).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal([keptSku], order["lines"]!.AsArray().Select(line => line!.Value<string>("sku")));
        Assert.Equal(0, await store.ReservedAsync(archivedSku));
    }

    [Fact]
    public async Task CreateOrUpdateProduct_PriceWithMoreDigitsThanADecimalHolds_Returns400AndChangesNothing()
    {
        // 9.99… with thirty nines reads as 10.000…0, which passed as a price of 10.
        var store = await StoreDriver.OnboardAsync(api, "cat-digits");
        var handle = await store.NewProductAsync(price: 25m);
        var price = $"9.{new string('9', 30)}";

        await store.Owner.PostAsync("/admin/products", RawJson($$"""{"handle":"long-tail","name":"Long tail","category":"Misc","price":{{price}}}"""))
            .ExpectProblemAsync(HttpStatusCode.BadRequest);
        await store.Owner.PutAsync($"/admin/products/{handle}", RawJson($$"""{"price":{{price}}}""")).ExpectProblemAsync(HttpStatusCode.BadRequest);

        await store.Owner.GetAsync("/admin/products/long-tail").ExpectProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(25m, (await store.ProductAsync(handle)).Value<decimal>("price"));
    }

    [Fact]
    public async Task CreateProduct_TakenHandle_Returns409AndIssuesNothing()
    {
        var store = await StoreDriver.OnboardAsync(api, "cat-dup");
        var handle = await store.NewProductAsync();

        await store.Owner.PostJsonAsync("/admin/products", new { handle, name = "Again", category = "Tees", price = 1m })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "product-exists");
    }

    [Fact]
    public async Task CreateProduct_AtTheVariantLimitWithARepeatedEntry_CreatesEachVariantOnce()
    {
        // 101 entries, the last naming the first variant in other letters: 100 variants, which the limit allows.
        var store = await StoreDriver.OnboardAsync(api, "cat-var-dup");
        var entries = Enumerable.Range(1, CatalogRules.MaxVariants)
            .Select(size => new { attributes = new Dictionary<string, string> { ["size"] = $"s{size}" } })
            .Append(new { attributes = new Dictionary<string, string> { ["SIZE"] = " S1 " } })
            .ToArray();

        var product = await store.Owner.PostJsonAsync("/admin/products", new { handle = "many-sizes", name = "Many sizes", category = "Tees", price = 5m, variants = entries })
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(CatalogRules.MaxVariants, product["variants"]!.AsArray().Count);
    }

    [Fact]
    public async Task CreateProduct_OneVariantPastTheLimit_Returns400AndCreatesNothing()
    {
        var store = await StoreDriver.OnboardAsync(api, "cat-var-max");
        var entries = Enumerable.Range(1, CatalogRules.MaxVariants + 1)
            .Select(size => new { attributes = new Dictionary<string, string> { ["size"] = $"s{size}" } })
            .ToArray();

        await store.Owner.PostJsonAsync("/admin/products", new { handle = "too-many", name = "Too many", category = "Tees", price = 5m, variants = entries })
            .ExpectProblemAsync(HttpStatusCode.BadRequest);

        await store.Owner.GetAsync("/admin/products/too-many").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(StoreRoles.Owner, true)]
    [InlineData(StoreRoles.BrandManager, true)]
    [InlineData(StoreRoles.Warehouse, false)]
    [InlineData(StoreRoles.Support, false)]
    public async Task CreateProduct_ByRole_IsAllowedOnlyForCatalogWriters(string role, bool allowed)
    {
        var store = StoreDriver.FiberX(api);
        using var client = store.ClientWith(api.StoreToken(store.TenantId, role));

        using var response = await client.PostJsonAsync("/admin/products", new { handle = $"role-{Guid.NewGuid():N}"[..20], name = "Role", category = "Tees", price = 1m });

        Assert.Equal(allowed ? HttpStatusCode.Created : HttpStatusCode.Forbidden, response.StatusCode);
    }

    /// <summary>A JSON body as written, for numbers no C# value can carry.</summary>
    private static StringContent RawJson(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    [GeneratedRegex("^[A-Z][A-Z0-9]{1,4}-HAIR-[0-9]{4,}$")]
    private static partial Regex ProductCodePattern();
}
