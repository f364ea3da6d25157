using System.Globalization;
using MultiStore.Grains.Catalog;
using MultiStore.Grains.Interfaces.Catalog;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Catalog;

[Collection(ClusterCollection.Name)]
public sealed class CatalogGrainTests(ClusterFixture cluster)
{
    private readonly TenantId _tenant = TenantId.Parse($"fiber-x-{Guid.NewGuid():N}"[..20]);

    private ICatalogGrain Catalog => cluster.Client.GetGrain<ICatalogGrain>(TenantKey.For(_tenant, ICatalogGrain.EntityId));

    [Fact]
    public async Task CreateProductAsync_WithVariants_IssuesSkusNamingStoreCategoryProductAndAttributes()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await Catalog.ConfigureAsync("FBX", "EUR");

        var product = await Catalog.CreateProductAsync(Draft("argan-shampoo", "Hair", Variant("Black", "250ml"), Variant("Green", "500ml")));

        Assert.Equal("FBX-HAIR-0001", product.Code);
        Assert.Equal(["FBX-HAIR-0001-BLK-250ML", "FBX-HAIR-0001-GRN-500ML"], product.Variants.Select(variant => variant.Sku));
        Assert.All(product.Variants, variant => Assert.True(IdRules.IsSku(variant.Sku)));
        Assert.Equal("EUR", product.Currency);
    }

    [Fact]
    public async Task ClaimSkuForStockAsync_CodesOfTheIssuersForm_AreNeverIssued_UpToTheCap()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await Catalog.ConfigureAsync("FBX", null);
        // Stocked by hand: one of the issuer's form, one of another form (nothing to record), the cap filled.
        Assert.Null(await Catalog.ClaimSkuForStockAsync("FBX-HAIR-0001"));
        Assert.Null(await Catalog.ClaimSkuForStockAsync("WIDGET-1"));
        for (var number = 2; number <= CatalogRules.MaxStockedOutside; number++)
        {
            Assert.Null(await Catalog.ClaimSkuForStockAsync($"FBX-GEN-{number:D4}"));
        }

        var refused = await Assert.ThrowsAsync<StoreRuleException>(() => Catalog.ClaimSkuForStockAsync("FBX-GEN-99999"));
        var product = await Catalog.CreateProductAsync(Draft("brush", "Hair"));

        Assert.Equal(RuleCodes.InvalidId, refused.Code);
        Assert.Equal("FBX-HAIR-0001-2", Assert.Single(product.Variants).Sku);
        // Asked again, a code already recorded (or of another form) is answered, not refused.
        Assert.Null(await Catalog.ClaimSkuForStockAsync("FBX-GEN-0002"));
        Assert.Null(await Catalog.ClaimSkuForStockAsync("WIDGET-2"));
    }

    [Fact]
    public async Task ClaimSkuForStockAsync_CodeOfTheIssuersFormInLowerCase_IsNeverIssuedInAnyCase()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await Catalog.ConfigureAsync("FBX", null);
        // Stocked by hand in lower case before the catalog issued anything: the same SKU as FBX-HAIR-0001 to a shopper
        // or an admin (the stock refuses a second spelling of an issued code), so the catalog must not issue it.
        Assert.Null(await Catalog.ClaimSkuForStockAsync("fbx-hair-0001"));

        var product = await Catalog.CreateProductAsync(Draft("brush", "Hair"));

        Assert.Equal("FBX-HAIR-0001-2", Assert.Single(product.Variants).Sku);
        Assert.Null(await Catalog.FindSkuSpellingAsync("fbx-hair-0001"));
    }

    [Fact]
    public async Task ReleaseSkuClaimAsync_ClaimRecordedFromLowerCase_FreesTheCodeAgain()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await Catalog.ConfigureAsync("FBX", null);
        Assert.True((await Catalog.ClaimSkuAsync("fbx-hair-0001")).RecordedNow);

        // The stock refused that count: the caller gives back the claim in the spelling it asked with.
        await Catalog.ReleaseSkuClaimAsync("fbx-hair-0001");
        var product = await Catalog.CreateProductAsync(Draft("brush", "Hair"));

        Assert.Equal("FBX-HAIR-0001", Assert.Single(product.Variants).Sku);
    }

    [Fact]
    public async Task CreateAndUpdate_PriceWrittenWithTrailingZeros_IsStoredInTheCurrencysMinorUnits()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await Catalog.ConfigureAsync("FBX", "JPY");

        // Accepted as accounting systems write them; carried on to product pages and order lines (and their totals),
        // 1234.0000 yen read as an amount in a currency without decimals.
        var created = await Catalog.CreateProductAsync(Draft("kettle", "Kitchen") with { Price = 1234.0000m });
        var updated = await Catalog.UpdateProductAsync("kettle", new ProductChange(Price: 990.00m));

        Assert.Equal("1234", created.Price.ToString(CultureInfo.InvariantCulture));
        Assert.Equal("990", updated.Price.ToString(CultureInfo.InvariantCulture));
        var sku = Assert.Single(await Catalog.FindSkusAsync([updated.Variants[0].Sku]));
        Assert.Equal("990", sku.Price.ToString(CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task CreateProductAsync_Twice_NumbersProductsAndReusesTheCategoryCode()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await Catalog.ConfigureAsync("FBX", null);

        var first = await Catalog.CreateProductAsync(Draft("first", "Hair"));
        var second = await Catalog.CreateProductAsync(Draft("second", "hair"));
        var third = await Catalog.CreateProductAsync(Draft("third", "Hair."));

        Assert.Equal("FBX-HAIR-0001", Assert.Single(first.Variants).Sku);
        Assert.Equal("FBX-HAIR-0002", second.Code);
        // A different category whose name cleans to the same code gets a code of its own.
        Assert.Equal("FBX-HAIR2-0003", third.Code);
    }

    [Fact]
    public async Task UpdateProductAsync_RenameAndNewCategory_KeepsEveryIssuedSku()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var created = await Catalog.CreateProductAsync(Draft("lamp", "Lighting", Variant("Gold", "60W")));

        var renamed = await Catalog.UpdateProductAsync("lamp", new ProductChange(Name: "Brass lamp", Category: "Decor", Price: 99.5m));

        Assert.Equal(created.Code, renamed.Code);
        Assert.Equal(created.Variants.Select(variant => variant.Sku), renamed.Variants.Select(variant => variant.Sku));
        Assert.Equal(("Brass lamp", "Decor", 99.5m), (renamed.Name, renamed.Category, renamed.Price));
    }

    [Fact]
    public async Task AddVariantAsync_SameAttributesAgain_IssuesNoSecondSku()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await Catalog.CreateProductAsync(Draft("tee", "Tops", Variant("Black", "M")));

        var added = await Catalog.AddVariantAsync("tee", new Dictionary<string, string> { ["color"] = "Black", ["size"] = "L" });
        var repeated = await Catalog.AddVariantAsync("tee", new Dictionary<string, string> { ["size"] = "l", ["color"] = "black" });

        Assert.Equal(2, added.Variants.Count);
        Assert.Equal(added.Variants.Select(variant => variant.Sku), repeated.Variants.Select(variant => variant.Sku));
    }

    [Fact]
    public async Task AddVariantAsync_AttributeCodesCollide_SuffixesTheSkuToKeepItUnique()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await Catalog.CreateProductAsync(Draft("paint", "Paint", new Dictionary<string, string> { ["color"] = "Black" }));

        var product = await Catalog.AddVariantAsync("paint", new Dictionary<string, string> { ["color"] = "Blank" });

        var skus = product.Variants.Select(variant => variant.Sku).ToList();
        Assert.Equal([$"{product.Code}-BLK", $"{product.Code}-BLK-2"], skus);
    }

    [Fact]
    public async Task Archive_HidesFromTheActiveListing_AndKeepsItsSkusIssued()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var kept = await Catalog.CreateProductAsync(Draft("kept", "Mugs"));
        var gone = await Catalog.CreateProductAsync(Draft("gone", "Mugs"));

        await Catalog.UpdateProductAsync("gone", new ProductChange(Status: ProductStatus.Archived));

        var active = await Catalog.ListAsync(new ProductQuery(ProductStatus.Active, null, 0, 10));
        Assert.Equal(["kept"], active.Items.Select(product => product.Handle));
        var sku = Assert.Single(await Catalog.FindSkusAsync([gone.Variants[0].Sku, kept.Variants[0].Sku, "NOT-ISSUED"]).ContinueWith(task => task.Result.Where(info => info.Handle == "gone").ToList()));
        Assert.Equal(ProductStatus.Archived, sku.Status);
    }

    [Fact]
    public async Task CreateProductAsync_HandleTaken_IsRefusedAndIssuesNothing()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await Catalog.CreateProductAsync(Draft("dup", "Mugs"));

        await StoreAssert.RefusedAsync(RuleCodes.ProductExists, () => Catalog.CreateProductAsync(Draft("dup", "Bowls")));

        var next = await Catalog.CreateProductAsync(Draft("next", "Mugs"));
        Assert.EndsWith("-0002", next.Code);
    }

    [Theory]
    [InlineData("Bad Handle", "Mugs", 1, RuleCodes.InvalidProduct)]
    [InlineData("ok", "", 1, RuleCodes.InvalidProduct)]
    [InlineData("ok", "Mugs", -1, RuleCodes.InvalidPrice)]
    [InlineData("ok", "Mugs", 1.999, RuleCodes.InvalidPrice)]
    public async Task CreateProductAsync_InvalidFields_AreRefused(string handle, string category, double price, string code)
    {
        using var _ = ClusterFixture.ActAs(_tenant);

        await StoreAssert.RefusedAsync(code, () => Catalog.CreateProductAsync(new ProductDraft(handle, "Name", category, (decimal)price, [])));
    }

    [Fact]
    public async Task ConfigureAsync_PrefixAfterSkusWereIssued_IsRefused()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await Catalog.CreateProductAsync(Draft("one", "Mugs"));

        await StoreAssert.RefusedAsync(RuleCodes.CatalogLocked, () => Catalog.ConfigureAsync("NEW", null));
        await StoreAssert.RefusedAsync(RuleCodes.CatalogLocked, () => Catalog.ConfigureAsync(null, "USD"));
    }

    [Fact]
    public async Task ImportAsync_OneBadRow_ChangesNothingAndNamesTheRow()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        ProductImport[] rows =
        [
            new(2, "good", "Good", "Mugs", 10m, null, [new VariantImport(2, new Dictionary<string, string> { ["color"] = "Red" }, null)]),
            new(3, "bad", "Bad", null, 10m, null, [new VariantImport(3, new Dictionary<string, string>(), null)]),
            new(4, "worse", "Worse", "Mugs", 10m, null, [new VariantImport(4, new Dictionary<string, string>(), "FOREIGN-SKU-1")]),
        ];

        var result = await Catalog.ImportAsync(rows);

        Assert.Equal([3, 4], result.Errors.Select(error => error.Row));
        Assert.Equal(0, (await Catalog.ListAsync(new ProductQuery(null, null, 0, 10))).Total);
    }

    [Fact]
    public async Task ImportAsync_ValidRows_CreatesAndUpdatesInOneStepAndIsRepeatable()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await Catalog.CreateProductAsync(Draft("existing", "Mugs", new Dictionary<string, string> { ["color"] = "Red" }));
        ProductImport[] rows =
        [
            new(2, "existing", null, null, 12m, null, [new VariantImport(2, new Dictionary<string, string> { ["color"] = "Red" }, null), new VariantImport(3, new Dictionary<string, string> { ["color"] = "Blue" }, null)]),
            new(4, "fresh", "Fresh", "Bowls", 5m, null, [new VariantImport(4, new Dictionary<string, string>(), null)]),
        ];

        var first = await Catalog.ImportAsync(rows);
        var again = await Catalog.ImportAsync(rows);

        Assert.Empty(first.Errors);
        Assert.Equal((1, 1, 2), (first.ProductsCreated, first.ProductsUpdated, first.VariantsCreated));
        Assert.Equal((0, 0, 0), (again.ProductsCreated, again.ProductsUpdated, again.VariantsCreated));
        Assert.Equal(first.SkuByRow, again.SkuByRow);
        Assert.Equal(12m, (await Catalog.GetProductAsync("existing"))!.Price);
    }

    [Fact]
    public async Task ImportAsync_OneProductWithMoreVariantsThanItMayHave_IsRefusedAndChangesNothing()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        // Repeats (one variant written two ways) do not count; the variant past the limit does.
        var variants = Enumerable.Range(1, CatalogRules.MaxVariants + 1)
            .SelectMany(size => new[] { new VariantImport(2 * size, Size($"{size}x"), null), new VariantImport(2 * size + 1, Size($"{size}X "), null) })
            .ToList();

        var atLimit = await Catalog.ImportAsync([new(2, "big", "Big", "Misc", 1m, null, variants[..(2 * CatalogRules.MaxVariants)])]);
        var past = await Catalog.ImportAsync([new(2, "bigger", "Bigger", "Misc", 1m, null, variants)]);

        Assert.Equal((CatalogRules.MaxVariants, 2 * CatalogRules.MaxVariants), (atLimit.VariantsCreated, atLimit.SkuByRow.Count));
        var error = Assert.Single(past.Errors);
        Assert.Equal((2, CatalogRules.MaxVariantsRule), (error.Row, error.Message));
        Assert.Null(await Catalog.GetProductAsync("bigger"));
    }

    [Fact]
    public async Task ImportAsync_MoreCategoriesThanAStoreMayHave_IsRefusedAtTheFirstProductPastTheLimit()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        // Names that all clean to the code stem MISCEL: each new one is numbered.
        var products = Enumerable.Range(1, CatalogRules.MaxCategories + 1)
            .Select(number => new ProductImport(number + 1, $"p-{number}", "Product", $"Miscellaneous {number}", 1m, null, [new VariantImport(number + 1, Size("m"), null)]))
            .ToList();

        var full = await Catalog.ImportAsync(products[..CatalogRules.MaxCategories]);
        var past = await Catalog.ImportAsync([products[^1]]);
        var again = await Catalog.ImportAsync([products[^1] with { Category = "miscellaneous 1" }]);

        Assert.Empty(full.Errors);
        var codes = new HashSet<string>(StringComparer.Ordinal);
        for (var skip = 0; skip < CatalogRules.MaxCategories; skip += 1000)
        {
            codes.UnionWith((await Catalog.ListAsync(new ProductQuery(null, null, skip, 1000))).Items.Select(product => product.Code.Split('-')[1]));
        }

        Assert.Equal(CatalogRules.MaxCategories, codes.Count);
        var error = Assert.Single(past.Errors);
        Assert.Equal(CatalogRules.MaxCategories + 2, error.Row);
        Assert.Contains($"at most {CatalogRules.MaxCategories} categories", error.Message, StringComparison.Ordinal);
        Assert.Empty(again.Errors);
        Assert.Equal(1, again.ProductsCreated);
    }

    [Fact]
    public async Task CatalogOfOneStore_FromAnotherStore_IsRefused()
    {
        var other = ClusterFixture.NewTenant();
        using var _ = ClusterFixture.ActAs(other);

        await Assert.ThrowsAsync<TenantIsolationException>(() => Catalog.ListAsync(new ProductQuery(null, null, 0, 10)));
    }

    private static Dictionary<string, string> Size(string size) => new() { ["size"] = size };

    private static Dictionary<string, string> Variant(string color, string size) => new() { ["color"] = color, ["size"] = size };

    private static ProductDraft Draft(string handle, string category, params Dictionary<string, string>[] variants) =>
        new(handle, $"Product {handle}", category, 19.9m, variants);
}
