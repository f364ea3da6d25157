using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using MultiStore.Api.Auth;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Tests.Alerts;

/// <summary>
/// Low-stock alerts end to end: a threshold set over HTTP, the alert listed, and delivered to the store's webhook
/// signed with the store's secret, retried with backoff (the test configuration's 50 ms doubling, capped at 200 ms).
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class LowStockAlertTests(ApiFactory api)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Webhook_FailingTwiceThenAnswering_IsRetriedWithBackoff_AndEveryAttemptIsSigned()
    {
        var store = await StoreDriver.OnboardAsync(api, "hook");
        await using var receiver = new WebhookReceiver(HttpStatusCode.InternalServerError, HttpStatusCode.ServiceUnavailable);
        var webhook = await store.Owner.PutJsonAsync("/admin/webhooks", new { url = receiver.Url }).ExpectAsync(HttpStatusCode.OK);
        var secret = webhook.Value<string>("secret");
        var sku = store.NewSku("LOW");
        await store.SetStockAsync(sku, 10);

        var level = await store.Owner.PutJsonAsync($"/admin/stock/{sku}/main/reorder-point", new { reorderPoint = 12 }).ExpectAsync(HttpStatusCode.OK);
        var alert = await AlertAsync(store, sku, delivery => delivery is "delivered" or "failed");

        Assert.Equal(12, level.Value<int>("reorderPoint"));
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(("delivered", 3), (alert.Value<string>("delivery"), alert.Value<int>("attempts")));
        var attempts = receiver.Requests.ToList();
        Assert.Equal(3, attempts.Count);
        foreach (var attempt in attempts)
        {
            Assert.Equal(("POST", "application/json; charset=utf-8"), (attempt.Method, attempt.ContentType));
            Assert.Equal("low-stock", attempt.Headers["X-MultiStore-Event"]);
            Assert.Equal(alert.Value<long>("id").ToString(System.Globalization.CultureInfo.InvariantCulture), attempt.Headers["X-MultiStore-Delivery"]);
            var timestamp = attempt.Headers["X-MultiStore-Timestamp"];
            Assert.InRange(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
            Assert.Equal(Sign(secret, timestamp, attempt.Body), attempt.Headers["X-MultiStore-Signature"]);
            // The signature covers the timestamp: the same body under another timestamp does not verify.
            Assert.NotEqual(Sign(secret, (long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture) - 600).ToString(System.Globalization.CultureInfo.InvariantCulture), attempt.Body), attempt.Headers["X-MultiStore-Signature"]);
            var body = JsonNode.Parse(attempt.Body)!;
            Assert.Equal((store.TenantId, sku, "main", 10, 12), (body.Value<string>("store"), body.Value<string>("sku"), body.Value<string>("zone"), body.Value<int>("available"), body.Value<int>("reorderPoint")));
        }

        // Waits of at least 50 ms, then 100 ms (the receiver's clock; a millisecond of slack for rounding).
        Assert.True(attempts[1].At - attempts[0].At >= TimeSpan.FromMilliseconds(49), $"second attempt after {(attempts[1].At - attempts[0].At).TotalMilliseconds} ms");
        Assert.True(attempts[2].At - attempts[1].At >= TimeSpan.FromMilliseconds(99), $"third attempt after {(attempts[2].At - attempts[1].At).TotalMilliseconds} ms");
    }

    [Fact]
    public async Task Webhook_NeverAnswering2xx_IsMarkedFailedAfterItsAttempts()
    {
        var store = await StoreDriver.OnboardAsync(api, "hookfail");
        await using var receiver = new WebhookReceiver([.. Enumerable.Repeat(HttpStatusCode.BadGateway, 50)]);
        await store.Owner.PutJsonAsync("/admin/webhooks", new { url = receiver.Url }).ExpectAsync(HttpStatusCode.OK);
        var sku = store.NewSku("LOW");
        await store.SetStockAsync(sku, 3);

        await store.Owner.PutJsonAsync($"/admin/stock/{sku}/main/reorder-point", new { reorderPoint = 5 }).ExpectAsync(HttpStatusCode.OK);
        var alert = await AlertAsync(store, sku, delivery => delivery is "delivered" or "failed");

        Assert.Equal(("failed", 8, "HTTP 502"), (alert.Value<string>("delivery"), alert.Value<int>("attempts"), alert.Value<string>("lastError")));
        Assert.Equal(8, receiver.Requests.Count);
    }

    [Fact]
    public async Task Webhook_ThatDoesNotAnswer_HoldsUpNeitherNewAlertsNorItsRemoval()
    {
        var store = await StoreDriver.OnboardAsync(api, "hookhang");
        await using var receiver = new WebhookReceiver();
        receiver.Hold();
        await store.Owner.PutJsonAsync("/admin/webhooks", new { url = receiver.Url }).ExpectAsync(HttpStatusCode.OK);
        var (first, second) = (store.NewSku("LOW"), store.NewSku("LOW"));
        await store.SetStockAsync(first, 1);
        await store.SetStockAsync(second, 1);
        await store.Owner.PutJsonAsync($"/admin/stock/{first}/main/reorder-point", new { reorderPoint = 2 }).ExpectAsync(HttpStatusCode.OK);
        await FirstRequestAsync(receiver);

        // While the receiver sits on the first alert's delivery, another alert is raised and the webhook removed.
        await store.Owner.PutJsonAsync($"/admin/stock/{second}/main/reorder-point", new { reorderPoint = 2 }).ExpectAsync(HttpStatusCode.OK);
        await AlertAsync(store, second, delivery => delivery is "pending");
        using (var deleted = await store.Owner.DeleteAsync("/admin/webhooks"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        // Its attempt still unanswered, the first alert was failed by the removal; a removal that had waited for the
        // attempt to end would find it attempted once.
        var removedFirst = await AlertAsync(store, first, delivery => delivery is not "pending");
        var removedSecond = await AlertAsync(store, second, delivery => delivery is not "pending");
        receiver.Release();
        var deliveredFirst = await AlertAsync(store, first, delivery => delivery is "delivered");

        Assert.Equal(("failed", 0, "webhook removed"), (removedFirst.Value<string>("delivery"), removedFirst.Value<int>("attempts"), removedFirst.Value<string>("lastError")));
        Assert.Equal(("failed", 0, "webhook removed"), (removedSecond.Value<string>("delivery"), removedSecond.Value<int>("attempts"), removedSecond.Value<string>("lastError")));
        Assert.Equal(1, deliveredFirst.Value<int>("attempts"));
        Assert.Single(receiver.Requests);
        Assert.Null((await store.Owner.GetAsync("/admin/webhooks").ExpectAsync(HttpStatusCode.OK))["url"]);
    }

    [Fact]
    public async Task Alerts_WithoutWebhook_AreListedNewestFirst_APageAtATime()
    {
        var store = await StoreDriver.OnboardAsync(api, "alerts");
        var skus = new List<string>();
        foreach (var onHand in new[] { 1, 2, 3 })
        {
            var sku = store.NewSku("LOW");
            skus.Add(sku);
            await store.SetStockAsync(sku, onHand);
            await store.Owner.PutJsonAsync($"/admin/stock/{sku}/main/reorder-point", new { reorderPoint = 5 }).ExpectAsync(HttpStatusCode.OK);
            await AlertAsync(store, sku, _ => true);
        }

        var first = await store.Owner.GetAsync("/admin/alerts?take=2").ExpectAsync(HttpStatusCode.OK);
        var second = await store.Owner.GetAsync($"/admin/alerts?take=2&before={first.Value<long>("nextBefore")}").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([skus[2], skus[1]], first["alerts"]!.AsArray().Select(alert => alert!.Value<string>("sku")));
        Assert.Equal([skus[0]], second["alerts"]!.AsArray().Select(alert => alert!.Value<string>("sku")));
        Assert.Null(second["nextBefore"]);
        Assert.All(first["alerts"]!.AsArray(), alert => Assert.Equal(("none", 0), (alert!.Value<string>("delivery"), alert!.Value<int>("attempts"))));
        Assert.Equal(5, (await store.StockAsync(skus[0]))["zones"]!.AsArray().Single()!.Value<int>("reorderPoint"));
    }

    [Fact]
    public async Task Alerts_DroppedByAStockEntry_AreCountedInTheListing()
    {
        var store = await StoreDriver.OnboardAsync(api, "alerts-drop");
        var sku = store.NewSku("LOW");
        var before = await store.Owner.GetAsync("/admin/alerts").ExpectAsync(HttpStatusCode.OK);
        var tenant = TenantId.Parse(store.TenantId);
        using (TenantContext.ForTenant(tenant, "test:entry"))
        {
            // As an entry that has waited on more alerts than it keeps sends its newest.
            await api.Services.GetRequiredService<IGrainFactory>().GetGrain<IStockAlertsGrain>(TenantKey.For(tenant, IStockAlertsGrain.EntityId))
                .RaiseAsync(new LowStockAlert(sku, "main", 0, 5, DateTimeOffset.UtcNow, Number: 22, DroppedBefore: 2));
        }

        var after = await store.Owner.GetAsync("/admin/alerts").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(0, before.Value<long>("droppedAlerts"));
        Assert.Equal(2, after.Value<long>("droppedAlerts"));
        Assert.Equal(0, after.Value<long>("droppedUndelivered"));
        Assert.Equal([sku], after["alerts"]!.AsArray().Select(alert => alert!.Value<string>("sku")));
    }

    [Fact]
    public async Task PutWebhook_Again_RotatesTheSecret_WhichIsNeverShownAgain()
    {
        var store = await StoreDriver.OnboardAsync(api, "rotate");

        var first = await store.Owner.PutJsonAsync("/admin/webhooks", new { url = "https://hooks.example.test/a" }).ExpectAsync(HttpStatusCode.OK);
        var second = await store.Owner.PutJsonAsync("/admin/webhooks", new { url = "https://hooks.example.test/b" }).ExpectAsync(HttpStatusCode.OK);
        var shown = await store.Owner.GetAsync("/admin/webhooks").ExpectAsync(HttpStatusCode.OK);

        Assert.NotEqual(first.Value<string>("secret"), second.Value<string>("secret"));
        Assert.Equal("https://hooks.example.test/b", shown.Value<string>("url"));
        Assert.False(shown.AsObject().ContainsKey("secret"));
        using (var deleted = await store.Owner.DeleteAsync("/admin/webhooks"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }
        Assert.Null((await store.Owner.GetAsync("/admin/webhooks").ExpectAsync(HttpStatusCode.OK))["url"]);
    }

    [Theory]
    [InlineData(StoreRoles.Owner, true, true, true)]
    [InlineData(StoreRoles.BrandManager, true, true, false)]
    [InlineData(StoreRoles.Warehouse, true, true, false)]
    [InlineData(StoreRoles.Support, false, false, false)]
    public async Task Roles_GetAlertsThresholdsAndWebhooksAsTheTableSays(string role, bool alertsRead, bool alertsWrite, bool webhooksManage)
    {
        var store = StoreDriver.FiberX(api);
        var sku = store.NewSku("ROLE");
        await store.SetStockAsync(sku, 50);
        using var client = store.ClientWith(api.StoreToken(store.TenantId, role));

        await ExpectAllowedAsync(alertsRead, client.GetAsync("/admin/alerts"));
        await ExpectAllowedAsync(alertsWrite, client.PutJsonAsync($"/admin/stock/{sku}/main/reorder-point", new { reorderPoint = 1 }));
        await ExpectAllowedAsync(webhooksManage, client.GetAsync("/admin/webhooks"));
    }

    [Fact]
    public async Task ReorderPoint_OfStockThatDoesNotExist_IsNotFound_AndStocksNothing()
    {
        var store = StoreDriver.FiberX(api);
        var sku = store.NewSku("NONE");

        await store.Owner.PutJsonAsync($"/admin/stock/{sku}/main/reorder-point", new { reorderPoint = 3 }).ExpectProblemAsync(HttpStatusCode.NotFound);
        await store.Owner.GetAsync($"/admin/stock/{sku}").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    /// <summary>What a receiver computes: <c>sha256=</c> + hex HMAC-SHA256 of <c>{timestamp}.{body}</c> with the secret.</summary>
    private static string Sign(string secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    /// <summary>The store's alert for <paramref name="sku"/> once its delivery satisfies <paramref name="settled"/>.</summary>
    private static async Task<JsonNode> AlertAsync(StoreDriver store, string sku, Func<string, bool> settled)
    {
        var deadline = DateTime.UtcNow + Within;
        while (true)
        {
            var page = await store.Owner.GetAsync("/admin/alerts?take=50").ExpectAsync(HttpStatusCode.OK);
            var alert = page["alerts"]!.AsArray().FirstOrDefault(candidate => candidate!.Value<string>("sku") == sku);
            if (alert is not null && settled(alert.Value<string>("delivery")))
            {
                return alert;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no settled alert for {sku}: {page.ToJsonString()}");
            await Task.Delay(20);
        }
    }

    private static async Task FirstRequestAsync(WebhookReceiver receiver)
    {
        var deadline = DateTime.UtcNow + Within;
        while (receiver.Requests.IsEmpty)
        {
            Assert.True(DateTime.UtcNow < deadline, "the webhook received nothing");
            await Task.Delay(20);
        }
    }

    private static async Task ExpectAllowedAsync(bool allowed, Task<HttpResponseMessage> send)
    {
        using var response = await send;
        if (allowed)
        {
            Assert.True(response.IsSuccessStatusCode, $"expected success, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        else
        {
            await response.ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }
    }
}
