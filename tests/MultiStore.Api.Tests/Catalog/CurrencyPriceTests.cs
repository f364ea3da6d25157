using System.Net;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using MultiStore.Grains.Catalog;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Catalog;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;
using Orleans.Core.Internal;
using Orleans.Storage;

namespace MultiStore.Api.Tests.Catalog;

/// <summary>
/// Prices written in the store's currency's minor units (ISO 4217): whole yen, dinars to the fils, euros to the cent,
/// on every path that writes one (create, update, CSV import, onboarding templates), and read back as written.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CurrencyPriceTests(ApiFactory api)
{
    private const string Header = "handle,name,category,price,status,attributes,sku,zone,on_hand,safety_stock,on_hand_basis,safety_stock_basis";

    [Fact]
    public async Task CreateOrUpdateProduct_InAJpyStore_TakesWholeYenAndRefusesDecimalsWith400NamingTheCurrency()
    {
        var store = await StoreDriver.OnboardAsync(api, "cur-jpy", currency: "JPY");

        var product = await store.Owner.PostAsync("/admin/products", Json("""{"handle":"tea-bowl","name":"Tea bowl","category":"Ceramics","price":1234}"""))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal((1234m, "JPY"), (product.Value<decimal>("price"), product.Value<string>("currency")));

        var refused = await store.Owner.PostAsync("/admin/products", Json("""{"handle":"half-yen","name":"Half yen","category":"Ceramics","price":1234.5}"""))
            .ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Prices in JPY have no decimals", refused.ToJsonString(), StringComparison.Ordinal);
        var refusedUpdate = await store.Owner.PutAsync("/admin/products/tea-bowl", Json("""{"price":1234.5}""")).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("JPY", refusedUpdate.ToJsonString(), StringComparison.Ordinal);

        await store.Owner.GetAsync("/admin/products/half-yen").ExpectProblemAsync(HttpStatusCode.NotFound);
        Assert.Equal(1234m, (await store.ProductAsync("tea-bowl")).Value<decimal>("price"));
    }

    [Fact]
    public async Task CreateProduct_InAKwdStore_TakesThreeDecimalsAndRefusesFour()
    {
        var store = await StoreDriver.OnboardAsync(api, "cur-kwd", currency: "KWD");

        var product = await store.Owner.PostAsync("/admin/products", Json("""{"handle":"dallah","name":"Dallah","category":"Coffee","price":1.234}"""))
            .ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(1.234m, product.Value<decimal>("price"));

        var refused = await store.Owner.PostAsync("/admin/products", Json("""{"handle":"finjan","name":"Finjan","category":"Coffee","price":1.2345}"""))
            .ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Prices in KWD have at most 3 decimals", refused.ToJsonString(), StringComparison.Ordinal);
        await store.Owner.GetAsync("/admin/products/finjan").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task CreateProduct_InAEurStore_StillTakesCentsOnly()
    {
        var store = await StoreDriver.OnboardAsync(api, "cur-eur");

        await store.Owner.PostAsync("/admin/products", Json("""{"handle":"cents","name":"Cents","category":"Misc","price":19.9900}""")).ExpectAsync(HttpStatusCode.Created);
        var refused = await store.Owner.PostAsync("/admin/products", Json("""{"handle":"mills","name":"Mills","category":"Misc","price":19.999}"""))
            .ExpectProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("Prices in EUR have at most 2 decimals", refused.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(19.99m, (await store.ProductAsync("cents")).Value<decimal>("price"));
    }

    [Fact]
    public async Task Import_InAJpyStore_RowWithDecimalYen_Is422RowErrorNamingTheCurrency()
    {
        var store = await StoreDriver.OnboardAsync(api, "cur-jimp", currency: "JPY");
        var csv = string.Join('\n', Header, "whole,Whole,Misc,1234,,,,,,", "half,Half,Misc,1234.50,,,,,,") + "\n";

        var problem = await store.Owner.PostAsync("/admin/catalog/import", Csv(csv)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-import");

        var error = Assert.Single(problem["errors"]!.AsArray())!;
        Assert.Equal((3, "price"), (error.Value<int>("row"), error.Value<string>("column")));
        Assert.Contains("Prices in JPY have no decimals", error.Value<string>("message"), StringComparison.Ordinal);
        await store.Owner.GetAsync("/admin/products/whole").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task UpdateOrImport_AnUnchangedPriceStoredBeforeTheCurrencyRule_IsAccepted_AChangedOneIsRefused()
    {
        var store = await StoreDriver.OnboardAsync(api, "cur-legacy", currency: "JPY");
        await store.Owner.PostAsync("/admin/products", Json("""{"handle":"old-bowl","name":"Old bowl","category":"Ceramics","price":1234}"""))
            .ExpectAsync(HttpStatusCode.Created);
        await StorePriceBeforeTheRuleAsync(store, "old-bowl", 1234.56m);

        // The export writes it as stored; sent back unedited, by PUT or by import, it passes and stays as it is.
        var export = await store.Owner.GetAsync("/admin/catalog/export");
        var csv = await export.Content.ReadAsStringAsync();
        Assert.Contains(",1234.56,", csv, StringComparison.Ordinal);
        await store.Owner.PutAsync("/admin/products/old-bowl", Json("""{"name":"Old tea bowl","price":1234.56}""")).ExpectAsync(HttpStatusCode.OK);
        await store.Owner.PostAsync("/admin/catalog/import", Csv(csv)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(1234.56m, (await store.ProductAsync("old-bowl")).Value<decimal>("price"));

        // A changed price follows the rule, whichever way it comes.
        var refused = await store.Owner.PutAsync("/admin/products/old-bowl", Json("""{"price":1234.57}""")).ExpectProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("Prices in JPY have no decimals", refused.ToJsonString(), StringComparison.Ordinal);
        var changed = csv.Replace(",1234.56,", ",1234.57,", StringComparison.Ordinal);
        var problem = await store.Owner.PostAsync("/admin/catalog/import", Csv(changed)).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "invalid-import");
        Assert.Equal("price", Assert.Single(problem["errors"]!.AsArray())!.Value<string>("column"));
        Assert.Equal(1234.56m, (await store.ProductAsync("old-bowl")).Value<decimal>("price"));
    }

    /// <summary>
    /// Writes <paramref name="price"/> into the catalog's storage, as a release before the currency rule stored it (no
    /// path of this one would), and has the catalog read it back.
    /// </summary>
    private async Task StorePriceBeforeTheRuleAsync(StoreDriver store, string handle, decimal price)
    {
        var tenant = TenantId.Parse(store.TenantId);
        var catalog = api.Services.GetRequiredService<IGrainFactory>().GetGrainByKey<ICatalogGrain>(TenantKey.For(tenant, ICatalogGrain.EntityId));
        var storage = api.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Store);
        var state = new GrainState<CatalogState>(new CatalogState());
        await storage.ReadStateAsync("catalog", catalog.GetGrainId(), state);
        var products = state.State!.Products;
        products[handle] = products[handle] with { Price = price };
        await storage.WriteStateAsync("catalog", catalog.GetGrainId(), state);
        using (TenantContext.ForTenant(tenant, "test:earlier-release"))
        {
            await catalog.Cast<IGrainManagementExtension>().DeactivateOnIdle();
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static StringContent Csv(string csv) => new(csv, Encoding.UTF8, "text/csv");
}
