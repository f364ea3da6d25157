using System.Net;

namespace MultiStore.Api.Tests.Carts;

/// <summary>What a cart answers once it is checked out: one order, one 201, and "checked out" before anything else.</summary>
[Collection(ApiCollection.Name)]
public sealed class CheckedOutCartTests(ApiFactory api)
{
    [Fact]
    public async Task Checkout_SentFourTimesAtOnce_PlacesOneOrder_AndOnlyOneAnswers201()
    {
        var store = StoreDriver.FiberX(api);
        var sku = store.NewSku("TWICE");
        await store.SetStockAsync(sku, 10);
        var cartId = await store.NewCartAsync(sku, 2);

        var checkouts = await Task.WhenAll(Enumerable.Range(0, 4).Select(async _ =>
        {
            using var response = await store.Shopper.PostAsync($"/api/carts/{cartId}/checkout", null);
            return (response.StatusCode, Order: await response.ReadJsonAsync());
        }));

        Assert.Single(checkouts, checkout => checkout.StatusCode == HttpStatusCode.Created);
        Assert.Equal(3, checkouts.Count(checkout => checkout.StatusCode == HttpStatusCode.OK));
        Assert.Single(checkouts.Select(checkout => checkout.Order.Value<string>("orderId")).Distinct());
        Assert.Equal(2, await store.ReservedAsync(sku));
    }

    [Fact]
    public async Task SetItem_OnACheckedOutCart_SaysCheckedOut_EvenWhenItsProductWasArchivedSince()
    {
        var store = StoreDriver.FiberX(api);
        var handle = await store.NewProductAsync();
        var sku = (await store.ProductAsync(handle))["variants"]![0]!.Value<string>("sku")!;
        await store.SetStockAsync(sku, 5);
        var cartId = await store.NewCartAsync(sku, 1);
        await store.Shopper.PostAsync($"/api/carts/{cartId}/checkout", null).ExpectAsync(HttpStatusCode.Created);
        await store.Owner.PostAsync($"/admin/products/{handle}/archive", null).ExpectAsync(HttpStatusCode.OK);

        await store.Shopper.PutJsonAsync($"/api/carts/{cartId}/items/{sku}", new { quantity = 2 }).ExpectProblemAsync(HttpStatusCode.Conflict, "cart-checked-out");
    }
}
