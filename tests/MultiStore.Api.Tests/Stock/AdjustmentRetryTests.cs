using System.Net;
using System.Text.Json.Nodes;

namespace MultiStore.Api.Tests.Stock;

/// <summary>
/// Retrying an adjustment over HTTP: with an <c>Idempotency-Key</c> header a lost answer can be asked for again without
/// applying the delta twice; a bad key is a 400 problem that names the header; the key reused for a different
/// adjustment is a 422 problem; and without the header every request applies, as before.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AdjustmentRetryTests(ApiFactory api)
{
    private const string Header = "Idempotency-Key";

    // An empty key never reaches the app through TestServer (its client drops the header): see KestrelEdgeTests.
    public static TheoryData<string> BadKeys => new() { new string('k', 101), "schlüssel-ä", "bell\u0007key", "tab\tkey" };

    [Fact]
    public async Task Adjust_RetriedWithTheSameIdempotencyKey_ChangesOnHandOnceAndAnswers200BothTimes()
    {
        var store = StoreDriver.FiberX(api);
        var sku = await StockedSkuAsync(store, 10);
        var key = Guid.NewGuid().ToString("D");

        var first = await AdjustAsync(store, sku, key, new { delta = 5, reason = "delivery", kind = "receive" }).ExpectAsync(HttpStatusCode.OK);
        var retry = await AdjustAsync(store, sku, key, new { delta = 5, reason = "delivery", kind = "receive" }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(15, first.Value<int>("onHand"));
        Assert.True(JsonNode.DeepEquals(first, retry), $"{first.ToJsonString()} != {retry.ToJsonString()}");
        Assert.Equal(15, await OnHandAsync(store, sku));
        var ledger = await store.Owner.GetAsync($"/admin/stock/{sku}/main/ledger").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal([5, 10], ledger["entries"]!.AsArray().Select(entry => entry!.Value<int>("delta")));
    }

    [Fact]
    public async Task Adjust_RetriedWithoutAnIdempotencyKey_AppliesEachTime()
    {
        var store = StoreDriver.FiberX(api);
        var sku = await StockedSkuAsync(store, 10);

        await AdjustAsync(store, sku, key: null, new { delta = 5, reason = "delivery" }).ExpectAsync(HttpStatusCode.OK);
        await AdjustAsync(store, sku, key: null, new { delta = 5, reason = "delivery" }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(20, await OnHandAsync(store, sku));
    }

    [Theory]
    [MemberData(nameof(BadKeys))]
    public async Task Adjust_WithABadIdempotencyKey_Returns400NamingTheHeaderAndChangesNothing(string key)
    {
        var store = StoreDriver.FiberX(api);
        var sku = await StockedSkuAsync(store, 10);

        var problem = await AdjustAsync(store, sku, key, new { delta = 5, reason = "delivery" }).ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid-request");

        Assert.Equal(Header, problem["errors"]![0]!.Value<string>("name"));
        Assert.Contains(Header, problem.Value<string>("detail"), StringComparison.Ordinal);
        Assert.Equal(10, await OnHandAsync(store, sku));
    }

    [Fact]
    public async Task Adjust_WithTwoIdempotencyKeys_Returns400AndChangesNothing()
    {
        var store = StoreDriver.FiberX(api);
        var sku = await StockedSkuAsync(store, 10);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/stock/{sku}/main/adjustments") { Content = Http.Json(new { delta = 5, reason = "delivery" }) };
        request.Headers.TryAddWithoutValidation(Header, ["key-a", "key-b"]);

        var problem = await store.Owner.SendAsync(request).ExpectProblemAsync(HttpStatusCode.BadRequest, "duplicate-header");

        Assert.Contains(Header, problem.Value<string>("detail"), StringComparison.Ordinal);
        Assert.Equal(10, await OnHandAsync(store, sku));
    }

    [Theory]
    [InlineData(6, "delivery", "receive")]
    [InlineData(5, "delivery", "return")]
    [InlineData(5, "delivery", null)]
    [InlineData(5, "second delivery", "receive")]
    public async Task Adjust_SameKeyForADifferentAdjustment_Returns422AndChangesNothing(int delta, string reason, string? kind)
    {
        var store = StoreDriver.FiberX(api);
        var sku = await StockedSkuAsync(store, 10);
        var key = Guid.NewGuid().ToString("D");
        await AdjustAsync(store, sku, key, new { delta = 5, reason = "delivery", kind = "receive" }).ExpectAsync(HttpStatusCode.OK);

        var problem = await AdjustAsync(store, sku, key, new { delta, reason, kind }).ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "idempotency-key-reused");

        Assert.Equal("urn:multistore:problem:idempotency-key-reused", problem.Value<string>("type"));
        Assert.Equal("Idempotency key already used for a different request", problem.Value<string>("title"));
        Assert.Equal(15, await OnHandAsync(store, sku));
    }

    [Fact]
    public async Task Adjust_SameKeyInAnotherStore_AppliesThere()
    {
        // Keys belong to one store's stock entry: another store's client picking the same key changes its own stock.
        var fiberX = StoreDriver.FiberX(api);
        var suzume = StoreDriver.Suzume(api);
        var sku = fiberX.NewSku("SHARED");
        await fiberX.SetStockAsync(sku, 10);
        await suzume.SetStockAsync(sku, 10);
        var key = Guid.NewGuid().ToString("D");

        await AdjustAsync(fiberX, sku, key, new { delta = 5, reason = "delivery" }).ExpectAsync(HttpStatusCode.OK);
        await AdjustAsync(suzume, sku, key, new { delta = 5, reason = "delivery" }).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal((15, 15), (await OnHandAsync(fiberX, sku), await OnHandAsync(suzume, sku)));
    }

    [Fact]
    public async Task Adjust_KeyInTheBodyOrQuery_IsNoKey()
    {
        // Only the header makes a request retry-safe: a body field of that name is an unknown field, and a query
        // parameter is not read, so both requests with it apply.
        var store = StoreDriver.FiberX(api);
        var sku = await StockedSkuAsync(store, 10);

        await store.Owner.PostJsonAsync($"/admin/stock/{sku}/main/adjustments", new { delta = 5, reason = "delivery", idempotencyKey = "body-key" })
            .ExpectProblemAsync(HttpStatusCode.BadRequest);
        for (var i = 0; i < 2; i++)
        {
            await store.Owner.PostJsonAsync($"/admin/stock/{sku}/main/adjustments?idempotencyKey=query-key", new { delta = 5, reason = "delivery" })
                .ExpectAsync(HttpStatusCode.OK);
        }

        Assert.Equal(20, await OnHandAsync(store, sku));
    }

    private static async Task<string> StockedSkuAsync(StoreDriver store, int onHand)
    {
        var sku = store.NewSku("RETRY");
        await store.SetStockAsync(sku, onHand);
        return sku;
    }

    private static Task<HttpResponseMessage> AdjustAsync(StoreDriver store, string sku, string? key, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/stock/{sku}/main/adjustments") { Content = Http.Json(body) };
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation(Header, key);
        }

        return store.Owner.SendAsync(request);
    }

    private static async Task<int> OnHandAsync(StoreDriver store, string sku) =>
        (await store.StockAsync(sku))["zones"]![0]!.Value<int>("onHand");
}
