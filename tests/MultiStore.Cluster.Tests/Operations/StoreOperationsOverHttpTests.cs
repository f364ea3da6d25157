using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using MultiStore.Cluster.Tests.Hosting;

namespace MultiStore.Cluster.Tests.Operations;

/// <summary>
/// Issue 6 over HTTP on the durable cluster (a Silo process on PostgreSQL and Redis, the Api process in cluster mode):
/// onboarding with a template, CSV import, a priced sale, analytics for the store, the owner and the platform, and
/// a low-stock alert delivered to a signed webhook after a retry.
/// </summary>
[Collection(OperationsCollection.Name)]
public sealed class StoreOperationsOverHttpTests(OperationsCluster operations)
{
    [Fact]
    public async Task OnboardImportSellAnalyseAndAlert_OverHttp_OnTheDurableCluster()
    {
        var cluster = operations.Cluster;
        await using var receiver = new WebhookReceiver(HttpStatusCode.ServiceUnavailable);
        var id = $"h{Guid.NewGuid():N}"[..14];
        var host = $"{id}.localhost";
        var platform = await ApiProcess.TokenAsync("platform-operator");
        var owner = await ApiProcess.TokenAsync("owner", id);

        // Onboarding in one call: a live store with the template's products, zones and stock.
        await cluster.SendAsync(HttpMethod.Post, "platform/tenants", null, platform, new { id, name = "Durable Beauty", domains = new[] { host }, template = "beauty", currency = "EUR" }, HttpStatusCode.Created);
        var listing = await cluster.SendAsync(HttpMethod.Get, "api/products", host, null, null, HttpStatusCode.OK);
        var product = await cluster.SendAsync(HttpMethod.Get, $"api/products/{listing["items"]![0]!["handle"]!.GetValue<string>()}", host, null, null, HttpStatusCode.OK);
        var templateSku = product["variants"]![0]!["sku"]!.GetValue<string>();
        var templatePrice = product["price"]!.GetValue<decimal>();

        // A CSV import (catalog all or nothing, stock counts after it).
        using (var import = new HttpRequestMessage(HttpMethod.Post, "admin/catalog/import")
        {
            Content = new StringContent("handle,name,category,price,attributes,on_hand\nserum-x,Serum X,Skin,12.50,size=30ml,40\n", Encoding.UTF8, "text/csv"),
        })
        {
            import.Headers.Host = host;
            import.Headers.Authorization = new AuthenticationHeaderValue("Bearer", owner);
            using var imported = await cluster.Http.SendAsync(import);
            Assert.True(imported.IsSuccessStatusCode, await imported.Content.ReadAsStringAsync());
        }

        var serum = (await cluster.SendAsync(HttpMethod.Get, "admin/products/serum-x", host, owner, null, HttpStatusCode.OK))["variants"]![0]!["sku"]!.GetValue<string>();

        // A sale: prices quoted from the catalog at checkout, payment recorded by the owner.
        var cartId = Guid.NewGuid().ToString("D");
        await cluster.SendAsync(HttpMethod.Put, $"api/carts/{cartId}/items/{serum}", host, null, new { quantity = 2 }, HttpStatusCode.OK);
        await cluster.SendAsync(HttpMethod.Put, $"api/carts/{cartId}/items/{templateSku}", host, null, new { quantity = 1 }, HttpStatusCode.OK);
        var order = await cluster.SendAsync(HttpMethod.Post, $"api/carts/{cartId}/checkout", host, null, null, HttpStatusCode.Created);
        Assert.Equal((25m + templatePrice, "EUR"), (order["total"]!.GetValue<decimal>(), order["currency"]!.GetValue<string>()));
        await cluster.SendAsync(HttpMethod.Post, $"admin/orders/{order["orderId"]!.GetValue<string>()}/pay", host, owner, new { paymentReference = "durable-1" }, HttpStatusCode.OK);

        // Analytics: the store, the owner across their stores, the platform across all.
        var store = await cluster.SendAsync(HttpMethod.Get, "admin/analytics", host, owner, null, HttpStatusCode.OK);
        Assert.Equal((1, 1, 25m + templatePrice), (store["totals"]!["ordersPlaced"]!.GetValue<int>(), store["totals"]!["ordersPaid"]!.GetValue<int>(), store["totals"]!["revenue"]!.GetValue<decimal>()));
        Assert.Equal(serum, store["topSkus"]![0]!["sku"]!.GetValue<string>());
        var owned = await cluster.SendAsync(HttpMethod.Get, "admin/stores/analytics", "admin.localhost", owner, null, HttpStatusCode.OK);
        Assert.Equal(25m + templatePrice, owned["byCurrency"]![0]!["totals"]!["revenue"]!.GetValue<decimal>());
        var all = await cluster.SendAsync(HttpMethod.Get, "platform/analytics?top=1000", null, platform, null, HttpStatusCode.OK);
        Assert.Contains(all["stores"]!.AsArray(), entry => entry!["store"]!.GetValue<string>() == id && entry["totals"]!["ordersPaid"]!.GetValue<int>() == 1);

        // Low stock: 38 serums left, threshold 38; the webhook answers 503 once, then takes the signed alert.
        var webhook = await cluster.SendAsync(HttpMethod.Put, "admin/webhooks", host, owner, new { url = receiver.Url }, HttpStatusCode.OK);
        await cluster.SendAsync(HttpMethod.Put, $"admin/stock/{serum}/main/reorder-point", host, owner, new { reorderPoint = 38 }, HttpStatusCode.OK);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        JsonNode alert;
        while (true)
        {
            alert = (await cluster.SendAsync(HttpMethod.Get, "admin/alerts", host, owner, null, HttpStatusCode.OK))["alerts"]![0] ?? new JsonObject();
            if (alert["delivery"]?.GetValue<string>() == "delivered" || DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal(("delivered", 2, serum, 38), (alert["delivery"]!.GetValue<string>(), alert["attempts"]!.GetValue<int>(), alert["sku"]!.GetValue<string>(), alert["available"]!.GetValue<int>()));
        Assert.Equal(2, receiver.Requests.Count);
        var secret = webhook["secret"]!.GetValue<string>();
        Assert.All(receiver.Requests, request => Assert.Equal(
            "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{request.Headers["X-MultiStore-Timestamp"]}.{request.Body}"))),
            request.Headers["X-MultiStore-Signature"]));
    }
}
