using System.Net;

namespace MultiStore.Api.Tests.Tenancy;

/// <summary>One store prepared for isolation checks: its driver, its entity ids and a SKU kept for stocking checks.</summary>
public sealed record IsolatedStore(StoreDriver Driver, StoreIds Ids, string SpareSku)
{
    public string Host => Driver.Host;

    public Task<string> SnapshotAsync() =>
        Driver.SnapshotAsync([Ids.Sku, SpareSku], [Ids.CartId], [Ids.PayOrderId, Ids.CancelOrderId], [Ids.Handle]);

    /// <summary>Ids of entities that exist only here, as another store would try them.</summary>
    public StoreIds ForeignIds(EndpointCase endpoint) => endpoint.ForeignIdsCreateOwnEntity ? Ids with { Sku = SpareSku } : Ids;

    public static async Task<IsolatedStore> PrepareAsync(ApiFactory api, string prefix)
    {
        var driver = await StoreDriver.OnboardAsync(api, prefix);
        return new IsolatedStore(driver, await NewIdsAsync(driver), await StockedSkuAsync(driver, "SPARE"));
    }

    /// <summary>A stocked SKU, an open cart holding it and two orders pending payment.</summary>
    public static async Task<StoreIds> NewIdsAsync(StoreDriver driver)
    {
        var sku = await StockedSkuAsync(driver, "ITEM");
        return new StoreIds(
            driver.TenantId,
            sku,
            "main",
            await driver.NewCartAsync(sku, 2),
            await driver.NewPendingOrderAsync(sku, 1),
            await driver.NewPendingOrderAsync(sku, 1),
            await driver.NewProductAsync());
    }

    private static async Task<string> StockedSkuAsync(StoreDriver driver, string label)
    {
        var sku = driver.NewSku(label);
        await driver.SetStockAsync(sku, 50);
        return sku;
    }
}

/// <summary>Two live stores, a suspended one and a host nobody owns, created once for all isolation tests.</summary>
public sealed class IsolationWorld
{
    public const string UnknownHost = "nobody-owns-this.test";

    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static IsolationWorld? _instance;

    private IsolationWorld(IsolatedStore alpha, IsolatedStore beta, IsolatedStore frozen)
    {
        Alpha = alpha;
        Beta = beta;
        Frozen = frozen;
    }

    public IsolatedStore Alpha { get; }

    public IsolatedStore Beta { get; }

    public IsolatedStore Frozen { get; }

    public static async Task<IsolationWorld> GetAsync(ApiFactory api)
    {
        await Gate.WaitAsync();
        try
        {
            if (_instance is null)
            {
                var frozen = await IsolatedStore.PrepareAsync(api, "iso-frozen");
                using var platform = api.ClientFor("platform.test", api.PlatformToken());
                await platform.PostAsync($"/platform/tenants/{frozen.Driver.TenantId}/suspend", null).ExpectAsync(HttpStatusCode.OK);
                _instance = new IsolationWorld(
                    await IsolatedStore.PrepareAsync(api, "iso-alpha"),
                    await IsolatedStore.PrepareAsync(api, "iso-beta"),
                    frozen);
            }

            return _instance;
        }
        finally
        {
            Gate.Release();
        }
    }
}
