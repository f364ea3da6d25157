using System.Net;
using MultiStore.Api.Auth;

namespace MultiStore.Api.Tests.Carts;

/// <summary>The shopper's and the store's path through the API, on a demo store, as the README shows it.</summary>
[Collection(ApiCollection.Name)]
public sealed class CheckoutWalkthroughTests(ApiFactory api)
{
    private const string Sku = "FBX-TEE-BLK-M";

    [Fact]
    public async Task Checkout_ThenPay_ReservesThenDecrementsOnHand()
    {
        var store = StoreDriver.FiberX(api);
        var before = await store.StockAsync(Sku);
        var onHandBefore = MainZone(before).Value<int>("onHand");
        var reservedBefore = MainZone(before).Value<int>("reserved");
        var publicBefore = await store.Shopper.GetAsync($"/api/stock/{Sku}").ExpectAsync(HttpStatusCode.OK);

        var cartId = Guid.NewGuid().ToString("D");
        var cart = await store.Shopper.PutJsonAsync($"/api/carts/{cartId}/items/{Sku}", new { quantity = 2 }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("open", cart.Value<string>("status"));
        var line = cart["lines"]!.AsArray().Single()!;
        Assert.Equal("main", line.Value<string>("zone"));
        Assert.Equal(2, line.Value<int>("quantity"));
        Assert.True(line.Value<bool>("held"));

        var publicAfterReserve = await store.Shopper.GetAsync($"/api/stock/{Sku}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(publicBefore.Value<int>("available") - 2, publicAfterReserve.Value<int>("available"));
        Assert.Equal(reservedBefore + 2, await store.ReservedAsync(Sku));

        using var checkout = await store.Shopper.PostAsync($"/api/carts/{cartId}/checkout", null);
        var order = await checkout.ReadJsonAsync();
        Assert.Equal(HttpStatusCode.Created, checkout.StatusCode);
        var orderId = order.Value<string>("orderId");
        Assert.Equal($"/api/orders/{orderId}", checkout.Headers.Location?.OriginalString);
        Assert.Equal("pending-payment", order.Value<string>("status"));
        // The demo's stock was set up directly, outside the catalog: such a SKU sells at 0 (see the analytics tests for prices).
        Assert.Equal(0m, order.Value<decimal>("total"));
        Assert.Equal(0m, order["lines"]!.AsArray().Single()!.Value<decimal>("unitPrice"));
        Assert.Equal("EUR", order.Value<string>("currency"));

        var repeated = await store.Shopper.PostAsync($"/api/carts/{cartId}/checkout", null).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(orderId, repeated.Value<string>("orderId"));
        var closedCart = await store.Shopper.GetAsync($"/api/carts/{cartId}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("checked-out", closedCart.Value<string>("status"));
        Assert.Equal(orderId, closedCart.Value<string>("orderId"));

        var paid = await store.Owner.PostJsonAsync($"/admin/orders/{orderId}/pay", new { paymentReference = "psp-123" }).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("paid", paid.Value<string>("status"));
        Assert.Equal("psp-123", paid.Value<string>("paymentReference"));

        var after = MainZone(await store.StockAsync(Sku));
        Assert.Equal(onHandBefore - 2, after.Value<int>("onHand"));
        Assert.Equal(reservedBefore, after.Value<int>("reserved"));

        var shopperView = await store.Shopper.GetAsync($"/api/orders/{orderId}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("paid", shopperView.Value<string>("status"));
        await store.Shopper.PostAsync($"/api/orders/{orderId}/cancel", null).ExpectProblemAsync(HttpStatusCode.Conflict, "order-not-pending");
    }

    [Fact]
    public async Task Cancel_PendingOrder_ReleasesReservation()
    {
        var store = StoreDriver.FiberX(api);
        const string sku = "FBX-CAP-RED";
        var before = MainZone(await store.StockAsync(sku));

        var orderId = await store.NewPendingOrderAsync(sku, 3);
        Assert.Equal(before.Value<int>("reserved") + 3, await store.ReservedAsync(sku));

        var cancelled = await store.Shopper.PostAsync($"/api/orders/{orderId}/cancel", null).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("cancelled", cancelled.Value<string>("status"));
        var again = await store.Shopper.PostAsync($"/api/orders/{orderId}/cancel", null).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("cancelled", again.Value<string>("status"));

        var after = MainZone(await store.StockAsync(sku));
        Assert.Equal(before.Value<int>("reserved"), after.Value<int>("reserved"));
        Assert.Equal(before.Value<int>("onHand"), after.Value<int>("onHand"));
        await store.Owner.PostJsonAsync($"/admin/orders/{orderId}/pay", new { }).ExpectProblemAsync(HttpStatusCode.Conflict, "order-not-pending");
    }

    [Fact]
    public async Task SetItem_MoreThanAvailable_Returns409WithShortage()
    {
        var store = StoreDriver.FiberX(api);
        var sku = store.NewSku("SHORT");
        await store.SetStockAsync(sku, 5);
        var cartId = Guid.NewGuid().ToString("D");

        var problem = await store.Shopper.PutJsonAsync($"/api/carts/{cartId}/items/{sku}", new { quantity = 6 })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "insufficient-stock");

        Assert.Equal("urn:multistore:problem:insufficient-stock", problem.Value<string>("type"));
        Assert.Equal(sku, problem.Value<string>("sku"));
        Assert.Equal("main", problem.Value<string>("zone"));
        Assert.Equal(6, problem.Value<int>("requested"));
        Assert.Equal(5, problem.Value<int>("available"));
        Assert.Equal(0, await store.ReservedAsync(sku));
    }

    [Fact]
    public async Task SetItem_ZeroQuantity_RemovesLineAndReleases()
    {
        var store = StoreDriver.FiberX(api);
        var sku = store.NewSku("ZERO");
        await store.SetStockAsync(sku, 10);
        var cartId = await store.NewCartAsync(sku, 4);
        Assert.Equal(4, await store.ReservedAsync(sku));

        var cart = await store.Shopper.PutJsonAsync($"/api/carts/{cartId}/items/{sku}", new { quantity = 0 }).ExpectAsync(HttpStatusCode.OK);

        Assert.Empty(cart["lines"]!.AsArray());
        Assert.Equal(0, await store.ReservedAsync(sku));
    }

    [Fact]
    public async Task SetItem_NamedSecondZone_ReservesThere()
    {
        var store = await StoreDriver.OnboardAsync(api, "cart-zone");
        await store.AddZoneAsync("east");
        var sku = store.NewSku("ZONE");
        await store.SetStockAsync(sku, 3, zone: "east");
        var cartId = Guid.NewGuid().ToString("D");

        // Not stocked in the default zone: nothing to reserve there.
        await store.Shopper.PutJsonAsync($"/api/carts/{cartId}/items/{sku}", new { quantity = 1 }).ExpectProblemAsync(HttpStatusCode.NotFound);
        var cart = await store.Shopper.PutJsonAsync($"/api/carts/{cartId}/items/{sku}", new { quantity = 2, zone = "east" }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("east", cart["lines"]![0]!.Value<string>("zone"));
        Assert.Equal(2, await store.ReservedAsync(sku, "east"));
    }

    [Fact]
    public async Task RemoveItem_ReleasesUnits_AndUnknownCartIs404()
    {
        var store = StoreDriver.FiberX(api);
        var sku = store.NewSku("DEL");
        await store.SetStockAsync(sku, 10);
        var cartId = await store.NewCartAsync(sku, 2);

        var cart = await store.Shopper.DeleteAsync($"/api/carts/{cartId}/items/{sku}").ExpectAsync(HttpStatusCode.OK);

        Assert.Empty(cart["lines"]!.AsArray());
        Assert.Equal(0, await store.ReservedAsync(sku));
        await store.Shopper.DeleteAsync($"/api/carts/{Guid.NewGuid():D}/items/{sku}").ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    [Fact]
    public async Task Checkout_EmptyCart_Returns409_AndUnknownCartIs404()
    {
        var store = StoreDriver.FiberX(api);
        var sku = store.NewSku("EMPTY");
        await store.SetStockAsync(sku, 10);
        var cartId = await store.NewCartAsync(sku, 1);
        await store.Shopper.DeleteAsync($"/api/carts/{cartId}/items/{sku}").ExpectAsync(HttpStatusCode.OK);

        await store.Shopper.PostAsync($"/api/carts/{cartId}/checkout", null).ExpectProblemAsync(HttpStatusCode.Conflict, "cart-empty");
        await store.Shopper.PostAsync($"/api/carts/{Guid.NewGuid():D}/checkout", null).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Adjust_ByDelta_ChangesOnHand_AndUnknownEntryIs404()
    {
        var store = StoreDriver.FiberX(api);
        var sku = store.NewSku("ADJ");
        await store.SetStockAsync(sku, 10, safetyStock: 1);

        var level = await store.Owner.PostJsonAsync($"/admin/stock/{sku}/main/adjustments", new { delta = -3, reason = "damaged" }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(7, level.Value<int>("onHand"));
        Assert.Equal(6, level.Value<int>("available"));
        Assert.Equal(1, level.Value<int>("safetyStock"));
        await store.Owner.PostJsonAsync($"/admin/stock/{sku}/east/adjustments", new { delta = 1, reason = "delivery" }).ExpectProblemAsync(HttpStatusCode.NotFound);
        await store.Owner.PostJsonAsync($"/admin/stock/{sku}/main/adjustments", new { delta = -8, reason = "recount" }).ExpectProblemAsync(HttpStatusCode.Conflict, "on-hand-below-reserved");
    }

    [Fact]
    public async Task AdminReads_SupportSeesCartsAndOrders()
    {
        var store = StoreDriver.FiberX(api);
        var support = store.ClientWith(api.StoreToken(store.TenantId, StoreRoles.Support));
        var sku = store.NewSku("SUP");
        await store.SetStockAsync(sku, 10);
        var cartId = await store.NewCartAsync(sku, 1);
        var orderId = await store.NewPendingOrderAsync(sku, 1);

        var cart = await support.GetAsync($"/admin/carts/{cartId}").ExpectAsync(HttpStatusCode.OK);
        var order = await support.GetAsync($"/admin/orders/{orderId}").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(cartId, cart.Value<string>("cartId"));
        Assert.Equal(orderId, order.Value<string>("orderId"));
        await support.GetAsync($"/admin/orders/{Guid.NewGuid():D}").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    private static System.Text.Json.Nodes.JsonNode MainZone(System.Text.Json.Nodes.JsonNode stock) =>
        stock["zones"]!.AsArray().Single(level => level!.Value<string>("zone") == "main")!;
}
