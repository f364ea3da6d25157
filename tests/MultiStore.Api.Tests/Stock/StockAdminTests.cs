using System.Net;
using System.Text.Json.Nodes;
using MultiStore.Api.Auth;

namespace MultiStore.Api.Tests.Stock;

/// <summary>Store admins' stock endpoints: response shapes and how stocking a SKU makes it visible.</summary>
[Collection(ApiCollection.Name)]
public sealed class StockAdminTests(ApiFactory api)
{
    [Fact]
    public async Task SetLevel_NewSkuInTwoZones_IsListedPerZoneForAdminsAndSummedForShoppers()
    {
        var store = await StoreDriver.OnboardAsync(api, "lvl");
        await store.AddZoneAsync("east");
        var sku = store.NewSku("LVL");

        var main = await store.Owner.PutJsonAsync($"/admin/stock/{sku}/main", new { onHand = 10, safetyStock = 2 }).ExpectAsync(HttpStatusCode.OK);
        await store.Owner.PutJsonAsync($"/admin/stock/{sku}/east", new { onHand = 4 }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(["available", "onHand", "reorderPoint", "reserved", "safetyStock", "sku", "zone"], main.AsObject().Select(property => property.Key).Order());
        Assert.Equal(8, main.Value<int>("available"));

        var levels = await store.Owner.GetAsync($"/admin/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(sku, levels.Value<string>("sku"));
        var zones = levels["zones"]!.AsArray();
        Assert.Equal(["east", "main"], zones.Select(zone => zone!.Value<string>("zone")));
        Assert.Equal(["available", "onHand", "reorderPoint", "reserved", "safetyStock", "zone"], zones[0]!.AsObject().Select(property => property.Key).Order());

        var shopper = await store.Shopper.GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(12, shopper.Value<int>("available"));
        Assert.Equal(["available", "sku", "zones"], shopper.AsObject().Select(property => property.Key).Order());
        Assert.Equal(["available", "zone"], shopper["zones"]![0]!.AsObject().Select(property => property.Key).Order());
    }

    [Fact]
    public async Task Availability_OfAnArchivedProductsSku_IsNotFoundAsAnUnknownSku_WhileAdminsStillSeeItsStock()
    {
        var store = await StoreDriver.OnboardAsync(api, "arch-stock");
        var handle = await store.NewProductAsync();
        var sku = (await store.ProductAsync(handle))["variants"]![0]!.Value<string>("sku")!;
        await store.SetStockAsync(sku, 5);
        await store.Shopper.GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);

        await store.Owner.PostAsync($"/admin/products/{handle}/archive", null).ExpectAsync(HttpStatusCode.OK);

        var archived = await store.Shopper.GetAsync($"/api/stock/{sku}").ExpectProblemAsync(HttpStatusCode.NotFound);
        var unknown = await store.Shopper.GetAsync($"/api/stock/{store.NewSku("NONE")}").ExpectProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(
            (unknown.Value<string>("type"), unknown.Value<string>("title"), unknown.Value<string>("detail")),
            (archived.Value<string>("type"), archived.Value<string>("title"), archived.Value<string>("detail")));
        var admin = await store.Owner.GetAsync($"/admin/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(5, admin["zones"]![0]!.Value<int>("onHand"));
    }

    [Fact]
    public async Task Availability_OfFullZonesBeyondWhatAnIntHolds_IsSummedExactly()
    {
        var store = await StoreDriver.OnboardAsync(api, "huge");
        await store.AddZoneAsync("east");
        await store.AddZoneAsync("west");
        var sku = store.NewSku("HUGE");
        foreach (var zone in new[] { "main", "east", "west" })
        {
            await store.Owner.PutJsonAsync($"/admin/stock/{sku}/{zone}", new { onHand = 1_000_000_000 }).ExpectAsync(HttpStatusCode.OK);
        }

        var shopper = await store.Shopper.GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
        var owner = await store.Owner.GetAsync($"/admin/stores/stock/{sku}").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(3_000_000_000L, shopper.Value<long>("available"));
        Assert.Equal((3_000_000_000L, 3_000_000_000L), (owner.Value<long>("onHand"), owner.Value<long>("available")));
    }

    [Fact]
    public async Task SetLevel_InAZoneTheWarehouseDoesNotList_Is422AndChangesNothing()
    {
        var store = await StoreDriver.OnboardAsync(api, "typo");
        var stocked = store.NewSku("TYPO");
        await store.SetStockAsync(stocked, 5);
        var levels = (await store.StockAsync(stocked)).ToJsonString();
        var fresh = store.NewSku("TYPO");

        var problem = await store.Owner.PutJsonAsync($"/admin/stock/{stocked}/mian", new { onHand = 5 }).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-zone");
        await store.Owner.PutJsonAsync($"/admin/stock/{fresh}/mian", new { onHand = 5 }).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "unknown-zone");

        Assert.Contains("no zone 'mian'", problem.Value<string>("detail"), StringComparison.Ordinal);
        Assert.Equal(levels, (await store.StockAsync(stocked)).ToJsonString());
        await store.Owner.GetAsync($"/admin/stock/{fresh}").ExpectProblemAsync(HttpStatusCode.NotFound);
        await store.Owner.GetAsync($"/admin/stock/{stocked}/mian/ledger").ExpectProblemAsync(HttpStatusCode.NotFound);
        // Once the warehouse lists the zone, stock can be set there.
        await store.AddZoneAsync("mian");
        await store.SetStockAsync(fresh, 5, "mian");
    }

    [Fact]
    public async Task SetLevel_InAZoneTheSkuIsStockedInButTheWarehouseDoesNotList_IsApplied()
    {
        // Stock an earlier release put in an unlisted zone stays countable (and its export imports again).
        var store = await StoreDriver.OnboardAsync(api, "legacy");
        var sku = store.NewSku("OLD");
        await store.StockUnlistedZoneAsync(sku, "back-room", 4);

        var level = await store.SetStockAsync(sku, 9, "back-room");

        Assert.Equal(9, level.Value<int>("onHand"));
    }

    [Fact]
    public async Task SetLevel_InA51stZoneOfOneSku_IsRefusedAndStocksNothing()
    {
        // A warehouse lists at most 50 zones, but stock an earlier release put in unlisted zones counts too: one SKU
        // is stocked in at most 50, whichever they are.
        var store = await StoreDriver.OnboardAsync(api, "zones");
        await store.AddZoneAsync("one-more");
        var sku = store.NewSku("ZONES");
        for (var index = 0; index < 50; index++)
        {
            await store.StockUnlistedZoneAsync(sku, $"z{index:00}", 1);
        }

        var problem = await store.Owner.PutJsonAsync($"/admin/stock/{sku}/one-more", new { onHand = 1 }).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid-id");

        Assert.Contains("at most 50 zones", problem.Value<string>("detail"));
        Assert.Equal(50, (await store.StockAsync(sku))["zones"]!.AsArray().Count);
        // Its stock entry was never set: a reorder point finds no stock there.
        await store.Owner.PutJsonAsync($"/admin/stock/{sku}/one-more/reorder-point", new { reorderPoint = 1 }).ExpectProblemAsync(HttpStatusCode.NotFound);
        await store.Owner.PutJsonAsync($"/admin/stock/{sku}/z00", new { onHand = 2 }).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SetLevel_ConcurrentNewZonesPastTheCap_StocksExactlyUpToIt_AndNoRefusedZone()
    {
        var store = await StoreDriver.OnboardAsync(api, "zrace");
        var sku = store.NewSku("ZRACE");
        for (var index = 0; index < 45; index++)
        {
            await store.StockUnlistedZoneAsync(sku, $"z{index:00}", 1);
        }

        var contenders = Enumerable.Range(0, 10).Select(index => $"new{index}").ToList();
        foreach (var zone in contenders)
        {
            await store.AddZoneAsync(zone);
        }

        var answers = await Task.WhenAll(contenders.Select(zone => store.Owner.PutJsonAsync($"/admin/stock/{sku}/{zone}", new { onHand = 1 })));

        Assert.Equal(5, answers.Count(answer => answer.StatusCode == HttpStatusCode.OK));
        Assert.Equal(5, answers.Count(answer => answer.StatusCode == HttpStatusCode.BadRequest));
        Assert.Equal(50, (await store.StockAsync(sku))["zones"]!.AsArray().Count);
        foreach (var zone in contenders.Where((_, index) => answers[index].StatusCode == HttpStatusCode.BadRequest))
        {
            // A refused zone's entry was never set: a reorder point finds no stock there.
            await store.Owner.PutJsonAsync($"/admin/stock/{sku}/{zone}/reorder-point", new { reorderPoint = 1 }).ExpectProblemAsync(HttpStatusCode.NotFound);
        }
    }

    [Fact]
    public async Task SetLevel_OfACatalogSkuInOtherLetterCase_IsRefusedAndStocksNothing()
    {
        var store = StoreDriver.FiberX(api);
        var handle = await store.NewProductAsync(price: 12m);
        var issued = (await store.ProductAsync(handle))["variants"]![0]!.Value<string>("sku")!;
        var typo = issued.ToLowerInvariant();
        using var warehouse = store.ClientWith(api.StoreToken(store.TenantId, StoreRoles.Warehouse));

        var problem = await warehouse.PutJsonAsync($"/admin/stock/{typo}/main", new { onHand = 5 }).ExpectProblemAsync(HttpStatusCode.Conflict, "sku-spelling");

        Assert.Contains(issued, problem.Value<string>("detail"));
        await store.Shopper.GetAsync($"/api/stock/{typo}").ExpectProblemAsync(HttpStatusCode.NotFound);
        await warehouse.PutJsonAsync($"/admin/stock/{issued}/main", new { onHand = 5 }).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task SetLevel_OfACodeTheCatalogHasNotIssuedYet_IsNeverIssuedToANewVariant()
    {
        var id = $"cls-{Guid.NewGuid():N}"[..14];
        using var platform = api.ClientFor("platform.test", api.PlatformToken());
        await platform.PostJsonAsync("/platform/tenants", new { id, name = "Clash", domains = new[] { $"{id}.test" }, skuPrefix = "CLS" })
            .ExpectAsync(HttpStatusCode.Created);
        using var owner = api.ClientFor($"{id}.test", api.StoreToken(id, StoreRoles.Owner));
        // Exactly the code the store's first product in "Hair" would be issued.
        await owner.PutJsonAsync("/admin/stock/CLS-HAIR-0001/main", new { onHand = 7 }).ExpectAsync(HttpStatusCode.OK);

        await owner.PostJsonAsync("/admin/products", new { handle = "brush", name = "Brush", category = "Hair", price = 5m }).ExpectAsync(HttpStatusCode.Created);

        var variant = (await owner.GetAsync("/admin/products/brush").ExpectAsync(HttpStatusCode.OK))["variants"]![0]!;
        Assert.Equal("CLS-HAIR-0001-2", variant.Value<string>("sku"));
        var shopper = api.ClientFor($"{id}.test");
        Assert.Equal(0, (await shopper.GetAsync("/api/products/brush").ExpectAsync(HttpStatusCode.OK))["variants"]![0]!.Value<int>("available"));
        var handStocked = await owner.GetAsync("/admin/stock/CLS-HAIR-0001").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(7, handStocked["zones"]![0]!.Value<int>("onHand"));
    }

    [Fact]
    public async Task SetLevel_RefusedForANeverSeenCode_ClaimsNothing_SoTheCatalogStillIssuesIt()
    {
        var id = $"cls-{Guid.NewGuid():N}"[..14];
        using var platform = api.ClientFor("platform.test", api.PlatformToken());
        await platform.PostJsonAsync("/platform/tenants", new { id, name = "Clash", domains = new[] { $"{id}.test" }, skuPrefix = "CLS" })
            .ExpectAsync(HttpStatusCode.Created);
        using var owner = api.ClientFor($"{id}.test", api.StoreToken(id, StoreRoles.Owner));

        // Counted against an on-hand of 4 that the never-stocked code does not have: refused, so nothing may change,
        // not even the catalog's list of hand-stocked codes (which would make the product below skip this code).
        await owner.PutJsonAsync("/admin/stock/CLS-HAIR-0001/main", new { onHand = 7, onHandBasis = 4 }).ExpectProblemAsync(HttpStatusCode.Conflict, "stock-changed");
        await owner.PostJsonAsync("/admin/products", new { handle = "brush", name = "Brush", category = "Hair", price = 5m }).ExpectAsync(HttpStatusCode.Created);

        var variant = (await owner.GetAsync("/admin/products/brush").ExpectAsync(HttpStatusCode.OK))["variants"]![0]!;
        Assert.Equal("CLS-HAIR-0001", variant.Value<string>("sku"));
    }

    [Fact]
    public async Task SetLevel_BelowReserved_Returns409AndKeepsOnHand()
    {
        var store = StoreDriver.FiberX(api);
        var sku = store.NewSku("LOW");
        await store.SetStockAsync(sku, 5);
        await store.NewCartAsync(sku, 4);

        await store.Owner.PutJsonAsync($"/admin/stock/{sku}/main", new { onHand = 3 }).ExpectProblemAsync(HttpStatusCode.Conflict, "on-hand-below-reserved");

        var level = (await store.StockAsync(sku))["zones"]![0]!;
        Assert.Equal(5, level.Value<int>("onHand"));
        Assert.Equal(4, level.Value<int>("reserved"));
    }

    [Fact]
    public async Task SetLevel_WithABasisAnotherAdminsCountOvertook_Is409WithTheCurrentOnHandAndChangesNothing()
    {
        // Two admins read 10 and count; the first one's 12 is in when the second one's 8 arrives.
        var store = await StoreDriver.OnboardAsync(api, "basis");
        var sku = store.NewSku("BASIS");
        await store.SetStockAsync(sku, 10, safetyStock: 1);
        await store.Owner.PutJsonAsync($"/admin/stock/{sku}/main", new { onHand = 12, onHandBasis = 10 }).ExpectAsync(HttpStatusCode.OK);
        var ledger = await LedgerAsync(store, sku);

        var problem = await store.Owner.PutJsonAsync($"/admin/stock/{sku}/main", new { onHand = 8, safetyStock = 3, onHandBasis = 10 })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "stock-changed");

        Assert.Contains("on hand is now 12, not 10", problem.Value<string>("detail"), StringComparison.Ordinal);
        var level = (await store.StockAsync(sku))["zones"]![0]!;
        Assert.Equal((12, 1), (level.Value<int>("onHand"), level.Value<int>("safetyStock")));
        Assert.Equal(ledger.ToJsonString(), (await LedgerAsync(store, sku)).ToJsonString());
    }

    [Fact]
    public async Task SetLevel_WithABasisASaleOvertook_Is409_AndWithTheOnHandReadAgain_IsApplied()
    {
        var store = await StoreDriver.OnboardAsync(api, "basis-sold");
        var handle = await store.NewProductAsync();
        var sku = (await store.ProductAsync(handle))["variants"]![0]!.Value<string>("sku")!;
        await store.SetStockAsync(sku, 10);
        var orderId = await store.NewPendingOrderAsync(sku, 4);
        await store.Owner.PostJsonAsync($"/admin/orders/{orderId}/pay", new { paymentReference = "psp" }).ExpectAsync(HttpStatusCode.OK);

        var refused = await store.Owner.PutJsonAsync($"/admin/stock/{sku}/main", new { onHand = 15, onHandBasis = 10 })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "stock-changed");
        var unedited = await store.Owner.PutJsonAsync($"/admin/stock/{sku}/main", new { onHand = 10, onHandBasis = 10 }).ExpectAsync(HttpStatusCode.OK);
        var applied = await store.Owner.PutJsonAsync($"/admin/stock/{sku}/main", new { onHand = 15, onHandBasis = 6 }).ExpectAsync(HttpStatusCode.OK);

        Assert.Contains("on hand is now 6", refused.Value<string>("detail"), StringComparison.Ordinal);
        // A count equal to its basis confirms what was read: the units sold since stay sold, as in the import.
        Assert.Equal(6, unedited.Value<int>("onHand"));
        Assert.Equal(15, applied.Value<int>("onHand"));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1_000_000_001)]
    public async Task SetLevel_WithABasisOutOfRange_Is400AndChangesNothing(int basis)
    {
        var store = await StoreDriver.OnboardAsync(api, "basis-bad");
        var sku = store.NewSku("BASIS");
        await store.SetStockAsync(sku, 10);

        await store.Owner.PutJsonAsync($"/admin/stock/{sku}/main", new { onHand = 5, onHandBasis = basis }).ExpectProblemAsync(HttpStatusCode.BadRequest);

        Assert.Equal(10, (await store.StockAsync(sku))["zones"]![0]!.Value<int>("onHand"));
    }

    private static async Task<JsonNode> LedgerAsync(StoreDriver store, string sku) =>
        (await store.Owner.GetAsync($"/admin/stock/{sku}/main/ledger?take=50").ExpectAsync(HttpStatusCode.OK))["entries"]!;
}
