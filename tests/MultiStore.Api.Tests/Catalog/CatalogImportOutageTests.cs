using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Api.Tests.Catalog;

/// <summary>
/// An import whose products are stored but some of whose stock counts meet an unavailable cluster: the answer says
/// which rows are in and which are not, rather than a 503 for a file that is half in, and the same file sent again
/// finishes it.
/// </summary>
public sealed class CatalogImportOutageTests(StockOutageApiFactory api) : IClassFixture<StockOutageApiFactory>
{
    private const string Header = "handle,name,category,price,status,attributes,sku,zone,on_hand,safety_stock";

    [Fact]
    public async Task Import_WhoseStockCountsMeetAnOutage_ReportsEachRowNotApplied_AndSentAgainAppliesThem()
    {
        var store = await StoreDriver.OnboardAsync(api, "imp-outage");
        await store.Owner.PutJsonAsync($"/admin/zones/{StockOutageApiFactory.Zone}", new { name = "Down" }).ExpectAsync(HttpStatusCode.OK);
        var csv = new StringBuilder(Header).Append('\n');
        for (var product = 0; product < 6; product++)
        {
            var zone = product == 2 ? StockOutageApiFactory.Zone : "main";
            csv.Append($"out-{product},Item {product},Outage,5.00,active,,,{zone},{product + 1},\n");
        }

        api.Outage.Down = true;
        var first = await store.Owner.PostAsync("/admin/catalog/import", Csv(csv.ToString())).ExpectAsync(HttpStatusCode.OK);
        api.Outage.Down = false;
        var again = await store.Owner.PostAsync("/admin/catalog/import", Csv(csv.ToString())).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(6, first.Value<int>("productsCreated"));
        var notApplied = first["stockErrors"]!.AsArray().Select(error => error!).ToList();
        Assert.Contains(notApplied, error => error.Value<int>("row") == 4);
        Assert.All(notApplied, error => Assert.Equal("service-unavailable", error.Value<string>("code")));
        Assert.Equal(6, first.Value<int>("stockCountsApplied") + notApplied.Count);
        Assert.Equal(6, again.Value<int>("stockCountsApplied"));
        Assert.Empty(again["stockErrors"]!.AsArray());
        for (var product = 0; product < 6; product++)
        {
            var sku = (await store.ProductAsync($"out-{product}"))["variants"]![0]!.Value<string>("sku")!;
            var zone = product == 2 ? StockOutageApiFactory.Zone : "main";
            var level = (await store.StockAsync(sku))["zones"]!.AsArray().Single(level => level!.Value<string>("zone") == zone)!;
            Assert.Equal(product + 1, level.Value<int>("onHand"));
        }
    }

    private static StringContent Csv(string csv) => new(csv, Encoding.UTF8, "text/csv");
}

/// <summary>The API whose silo, while <see cref="StockOutage.Down"/>, answers stock counts for one zone as a cluster that cannot answer.</summary>
public sealed class StockOutageApiFactory : ApiFactory
{
    public const string Zone = "outage";

    public StockOutage Outage { get; } = new();

    protected override void ConfigureSettings(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services => services.AddSingleton<IIncomingGrainCallFilter>(Outage));
}

/// <summary>Fails a SKU's stock count for <see cref="StockOutageApiFactory.Zone"/> as a call that got no answer in time.</summary>
public sealed class StockOutage : IIncomingGrainCallFilter
{
    public volatile bool Down;

    public Task Invoke(IIncomingGrainCallContext context) =>
        Down && context.InterfaceMethod.Name == nameof(ISkuGrain.AdjustZoneAsync) && context.Request.GetArgument(0) is StockOutageApiFactory.Zone
            ? throw new TimeoutException("Injected: no answer in time.")
            : context.Invoke();
}
