using MultiStore.Grains.Catalog;
using MultiStore.Grains.Interfaces.Catalog;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Catalog;

/// <summary>
/// Shoppers' reads answer while a change is worked out or written (an import of thousands of rows takes seconds), and
/// answer only what storage holds; changes still run one at a time.
/// </summary>
public sealed class CatalogWriteConcurrencyTests(CatalogWriteCluster cluster) : IClassFixture<CatalogWriteCluster>
{
    // Far longer than any read of a small catalog; a read held behind the change waits until the test releases it.
    private static readonly TimeSpan ReadLimit = TimeSpan.FromSeconds(10);

    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private ICatalogGrain Catalog => cluster.Client.GetGrain<ICatalogGrain>(TenantKey.For(_tenant, ICatalogGrain.EntityId));

    [Fact]
    public async Task Reads_WhileAnImportIsWritten_AnswerTheCatalogAsStoredBeforeIt()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var kept = await SetUpAsync();
        var held = cluster.Storage.HoldNextWrite(Catalog.GetGrainId());

        var import = Catalog.ImportAsync(Rows());
        await held.Reached.WaitAsync(ReadLimit);
        try
        {
            await AssertUnchangedAsync(kept);
        }
        finally
        {
            held.Release();
        }

        Assert.Empty((await import).Errors);
        Assert.Equal(12m, (await Catalog.GetProductAsync("kept"))!.Price);
        Assert.Equal("FBX-BOWLS-0002", await Catalog.FindSkuSpellingAsync("fbx-bowls-0002"));
        Assert.Equal(2, (await Catalog.ListAsync(new ProductQuery(null, null, 0, 10))).Total);
    }

    [Fact]
    public async Task Reads_WhileAnImportIsWorkedOut_AnswerTheCatalogAsStoredBeforeIt()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var kept = await SetUpAsync();
        // Creating the new product reads the clock: the import stops there, in the middle of being worked out.
        var paused = cluster.Clock.PauseNextReading();

        var import = Catalog.ImportAsync(Rows());
        await paused.Reached.WaitAsync(ReadLimit);
        try
        {
            await AssertUnchangedAsync(kept);
        }
        finally
        {
            paused.Release();
        }

        Assert.Empty((await import).Errors);
        Assert.Equal("FBX-BOWLS-0002", await Catalog.FindSkuSpellingAsync("fbx-bowls-0002"));
    }

    [Fact]
    public async Task ADryRun_WhileAnImportIsWritten_AnswersAgainstTheCatalogAsStoredBeforeIt()
    {
        // An admin checking a file must not wait behind another admin's import of 50,000 rows (seconds).
        using var _ = ClusterFixture.ActAs(_tenant);
        await SetUpAsync();
        var held = cluster.Storage.HoldNextWrite(Catalog.GetGrainId());

        var import = Catalog.ImportAsync(Rows());
        await held.Reached.WaitAsync(ReadLimit);
        CatalogImportResult checkedDuring;
        try
        {
            checkedDuring = await Catalog.CheckImportAsync(Rows()).WaitAsync(ReadLimit);
        }
        finally
        {
            held.Release();
        }

        Assert.Equal((1, 1), (checkedDuring.ProductsCreated, checkedDuring.ProductsUpdated));
        Assert.Empty((await import).Errors);
        var checkedAfter = await Catalog.CheckImportAsync(Rows());
        Assert.Equal((0, 0), (checkedAfter.ProductsCreated, checkedAfter.ProductsUpdated));
    }

    [Fact]
    public async Task AnImportWhoseWriteFailed_IsNeverVisible_AndItsRetryIssuesTheSameSkus()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var kept = await SetUpAsync();
        var held = cluster.Storage.HoldNextWriteThenFail(Catalog.GetGrainId());

        var import = Catalog.ImportAsync(Rows());
        await held.Reached.WaitAsync(ReadLimit);
        try
        {
            await AssertUnchangedAsync(kept);
        }
        finally
        {
            held.Release();
        }

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => import);
        Assert.Contains("Injected storage failure", failure.ToString(), StringComparison.Ordinal);
        await AssertUnchangedAsync(kept);
        Assert.Single(cluster.Storage.Stored<CatalogState>("catalog", Catalog.GetGrainId())!.Products);
        var retried = await Catalog.ImportAsync(Rows());
        Assert.Equal("FBX-BOWLS-0002", retried.SkuByRow[4]);
    }

    [Fact]
    public async Task Changes_WhileOneIsWritten_WaitTheirTurn_AndIssueDistinctCodes()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await Catalog.ConfigureAsync("FBX", "EUR");
        var held = cluster.Storage.HoldNextWrite(Catalog.GetGrainId());

        var first = Catalog.CreateProductAsync(new ProductDraft("first", "First", "Mugs", 10m, []));
        await held.Reached.WaitAsync(ReadLimit);
        Task<Product> second;
        try
        {
            second = Catalog.CreateProductAsync(new ProductDraft("second", "Second", "Mugs", 10m, []));
            // A read sent after it answers while the first change is still written; the second change is still waiting.
            await Catalog.GetSettingsAsync().WaitAsync(ReadLimit);
            Assert.False(second.IsCompleted);
        }
        finally
        {
            held.Release();
        }

        Assert.Equal(("FBX-MUGS-0001", "FBX-MUGS-0002"), ((await first).Code, (await second).Code));
        Assert.Equal(2, cluster.Storage.Stored<CatalogState>("catalog", Catalog.GetGrainId())!.Products.Count);
    }

    /// <summary>A catalog of one product, <c>kept</c> at 10 with SKU FBX-MUGS-0001.</summary>
    private async Task<Product> SetUpAsync()
    {
        await Catalog.ConfigureAsync("FBX", "EUR");
        return await Catalog.CreateProductAsync(new ProductDraft("kept", "Kept", "Mugs", 10m, []));
    }

    /// <summary>An import that raises <c>kept</c>'s price to 12 and creates <c>fresh</c> (SKU FBX-BOWLS-0002, row 4).</summary>
    private static ProductImport[] Rows() =>
    [
        new(2, "kept", null, null, 12m, null, [new VariantImport(2, new Dictionary<string, string>(), null)]),
        new(4, "fresh", "Fresh", "Bowls", 5m, null, [new VariantImport(4, new Dictionary<string, string>(), null)]),
    ];

    /// <summary>Every shopper's read answers in time, and answers the catalog of <see cref="SetUpAsync"/>.</summary>
    private async Task AssertUnchangedAsync(Product kept)
    {
        var sku = Assert.Single(kept.Variants).Sku;
        Assert.Equal(10m, (await Catalog.GetProductAsync("kept").WaitAsync(ReadLimit))!.Price);
        Assert.Null(await Catalog.GetProductAsync("fresh").WaitAsync(ReadLimit));
        Assert.Equal(["kept"], (await Catalog.ListAsync(new ProductQuery(null, null, 0, 10)).WaitAsync(ReadLimit)).Items.Select(product => product.Handle));
        Assert.Equal(10m, Assert.Single(await Catalog.FindSkusAsync([sku, "FBX-BOWLS-0002"]).WaitAsync(ReadLimit)).Price);
        Assert.Null(await Catalog.FindSkuSpellingAsync("fbx-bowls-0002").WaitAsync(ReadLimit));
        Assert.Equal("FBX", (await Catalog.GetSettingsAsync().WaitAsync(ReadLimit)).SkuPrefix);
    }
}
