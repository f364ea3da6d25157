using System.Net;

namespace MultiStore.Api.Tests.Carts;

/// <summary>Two stores' shoppers racing each other through one API process never see or take each other's stock.</summary>
[Collection(ApiCollection.Name)]
public sealed class ConcurrentCartTests(ApiFactory api)
{
    private const int RequestsPerStore = 100;
    private const int OnHand = 150;

    [Fact]
    public async Task SetItem_200InterleavedRequestsOfTwoStores_ReservedTotalsMatchEachStoresOwnSuccesses()
    {
        var stores = new[] { StoreDriver.FiberX(api), StoreDriver.Suzume(api) };
        var skus = new Dictionary<string, string>();
        foreach (var store in stores)
        {
            skus[store.TenantId] = store.NewSku("RACE");
            await store.SetStockAsync(skus[store.TenantId], OnHand);
        }

        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requests = Enumerable.Range(0, 2 * RequestsPerStore).Select(async index =>
        {
            // Alternate stores; quantities 1..3 so the stores ask for more than they have (~200 of 150 each).
            var store = stores[index % 2];
            var quantity = 1 + (index / 2 % 3);
            var cartId = Guid.NewGuid().ToString("D");
            await start.Task;
            using var response = await store.Shopper.PutJsonAsync($"/api/carts/{cartId}/items/{skus[store.TenantId]}", new { quantity });
            var body = await response.Content.ReadAsStringAsync();
            return (Store: store, CartId: cartId, Quantity: quantity, Status: response.StatusCode, Body: body);
        }).ToList();

        start.SetResult();
        var outcomes = await Task.WhenAll(requests);

        foreach (var store in stores)
        {
            var own = outcomes.Where(outcome => outcome.Store == store).ToList();
            var succeeded = own.Where(outcome => outcome.Status == HttpStatusCode.OK).ToList();
            var refused = own.Where(outcome => outcome.Status != HttpStatusCode.OK).ToList();

            Assert.Equal(RequestsPerStore, own.Count);
            Assert.All(refused, outcome => Assert.Equal(HttpStatusCode.Conflict, outcome.Status));
            Assert.All(refused, outcome => Assert.Contains("insufficient-stock", outcome.Body, StringComparison.Ordinal));
            Assert.NotEmpty(refused);
            Assert.All(succeeded, outcome => Assert.Contains(skus[store.TenantId], outcome.Body, StringComparison.Ordinal));

            var level = (await store.StockAsync(skus[store.TenantId]))["zones"]![0]!;
            var reserved = succeeded.Sum(outcome => outcome.Quantity);
            Assert.Equal(reserved, level.Value<int>("reserved"));
            Assert.Equal(OnHand, level.Value<int>("onHand"));
            Assert.Equal(OnHand - reserved, level.Value<int>("available"));
            // Refusals happen only when what is left is less than what was asked.
            Assert.All(refused, outcome => Assert.True(OnHand - reserved < outcome.Quantity));
        }

        // Each cart exists only in its own store.
        foreach (var outcome in outcomes.Where(outcome => outcome.Status == HttpStatusCode.OK).Take(20))
        {
            var other = stores.Single(store => store != outcome.Store);
            await outcome.Store.Shopper.GetAsync($"/api/carts/{outcome.CartId}").ExpectAsync(HttpStatusCode.OK);
            await other.Shopper.GetAsync($"/api/carts/{outcome.CartId}").ExpectProblemAsync(HttpStatusCode.NotFound);
        }
    }
}
