using System.Net;
using System.Text.Json.Nodes;
using MultiStore.Api.Auth;
using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Api.Tests.Stock;

/// <summary>The stock ledger over HTTP: every change of on-hand is a line, and the lines add up to on-hand.</summary>
[Collection(ApiCollection.Name)]
public sealed class StockLedgerTests(ApiFactory api)
{
    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(42)]
    public async Task Ledger_AfterARandomSequenceOfOperations_SumsToOnHand(int seed)
    {
        var random = new Random(seed);
        var store = await StoreDriver.OnboardAsync(api, "ledger");
        var sku = store.NewSku("LEDGER");
        await store.SetStockAsync(sku, 20);
        var openCarts = new List<string>();
        var pendingOrders = new List<string>();
        string[] kinds = ["receive", "correction", "damage", "return"];

        for (var step = 0; step < 40; step++)
        {
            switch (random.Next(6))
            {
                case 0:
                    await store.Owner.PostJsonAsync($"/admin/stock/{sku}/main/adjustments", new { delta = random.Next(1, 10), reason = "delivery", kind = "receive" })
                        .ExpectAsync(HttpStatusCode.OK);
                    break;
                case 1:
                    // Refused (409) when it would drop below what is reserved: then nothing is written.
                    using (await store.Owner.PostJsonAsync($"/admin/stock/{sku}/main/adjustments", new { delta = -random.Next(1, 4), reason = "broken", kind = kinds[random.Next(kinds.Length)] }))
                    {
                    }

                    break;
                case 2:
                    // A recount; refused like a negative adjustment when it is below what is reserved.
                    using (await store.Owner.PutJsonAsync($"/admin/stock/{sku}/main", new { onHand = random.Next(10, 40) }))
                    {
                    }

                    break;
                case 3:
                    var cartId = Guid.NewGuid().ToString("D");
                    using (await store.Shopper.PutJsonAsync($"/api/carts/{cartId}/items/{sku}", new { quantity = random.Next(1, 3) }))
                    {
                        openCarts.Add(cartId);
                    }

                    break;
                case 4 when openCarts.Count > 0:
                    var checkout = openCarts[^1];
                    openCarts.RemoveAt(openCarts.Count - 1);
                    using (var response = await store.Shopper.PostAsync($"/api/carts/{checkout}/checkout", null))
                    {
                        if (response.StatusCode == HttpStatusCode.Created)
                        {
                            pendingOrders.Add((await response.ReadJsonAsync()).Value<string>("orderId"));
                        }
                    }

                    break;
                case 5 when pendingOrders.Count > 0:
                    var order = pendingOrders[random.Next(pendingOrders.Count)];
                    pendingOrders.Remove(order);
                    var pay = random.Next(2) == 0;
                    using (pay
                        ? await store.Owner.PostJsonAsync($"/admin/orders/{order}/pay", new { paymentReference = "psp" })
                        : await store.Shopper.PostAsync($"/api/orders/{order}/cancel", null))
                    {
                    }

                    break;
            }
        }

        var onHand = (await store.StockAsync(sku))["zones"]![0]!.Value<int>("onHand");
        var entries = await ReadWholeLedgerAsync(store, sku, pageSize: 7);

        Assert.Equal(onHand, entries.Sum(entry => entry.Value<int>("delta")));
        Assert.Equal(onHand, entries[0].Value<int>("onHandAfter"));
        Assert.Equal(Enumerable.Range(1, entries.Count).Reverse().Select(sequence => (long)sequence), entries.Select(entry => entry.Value<long>("sequence")));
        Assert.Contains(entries, entry => entry["reason"]?.GetValue<string>().StartsWith("receive: ", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Ledger_OfAnUnstockedEntry_Returns404()
    {
        var store = StoreDriver.FiberX(api);

        await store.Owner.GetAsync($"/admin/stock/{store.NewSku("NONE")}/main/ledger").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Ledger_OfAStorefrontRelease_WhoseShopperCarriesAnotherStoresStaffToken_NamesTheAnonymousShopper()
    {
        var (store, other) = (await StoreDriver.OnboardAsync(api, "ledger"), await StoreDriver.OnboardAsync(api, "ledger"));
        var sku = store.NewSku("ACTOR");
        await store.SetStockAsync(sku, 5);
        var subject = $"staff-{Guid.NewGuid():N}";
        // The other store's staff browsing this storefront with their own token.
        using var browsing = store.ClientWith(api.StoreToken(other.TenantId, StoreRoles.Owner, subject));
        var cartId = Guid.NewGuid().ToString("D");

        await browsing.PutJsonAsync($"/api/carts/{cartId}/items/{sku}", new { quantity = 2 }).ExpectAsync(HttpStatusCode.OK);
        await browsing.DeleteAsync($"/api/carts/{cartId}/items/{sku}").ExpectAsync(HttpStatusCode.OK);

        var entries = await ReadWholeLedgerAsync(store, sku, pageSize: 50);
        var release = Assert.Single(entries, entry => entry.Value<string>("kind") == LedgerKinds.Release);
        Assert.Equal(Actors.Anonymous, release.Value<string>("actor"));
        Assert.DoesNotContain(entries, entry => entry.Value<string>("actor")!.Contains(subject, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ledger_OfAnAdjustmentByATokenWhoseSubjectHasControlCharacters_NamesItPrintably()
    {
        var store = await StoreDriver.OnboardAsync(api, "ledger");
        var sku = store.NewSku("ACTOR");
        await store.SetStockAsync(sku, 5);
        // An identity provider's subject is its own text: a NUL in it would make PostgreSQL refuse the journal's write.
        var subject = "a\u0000b\u001bc" + new string('x', 300);
        using var staff = store.ClientWith(api.StoreToken(store.TenantId, StoreRoles.Owner, subject));

        await staff.PostJsonAsync($"/admin/stock/{sku}/main/adjustments", new { delta = 1, reason = "delivery" }).ExpectAsync(HttpStatusCode.OK);

        var entries = await ReadWholeLedgerAsync(store, sku, pageSize: 50);
        var actor = entries[0].Value<string>("actor")!;
        Assert.StartsWith("user:a?b?cxxx", actor, StringComparison.Ordinal);
        Assert.DoesNotContain(actor, char.IsControl);
    }

    [Fact]
    public async Task Ledger_OfAnAdjustmentByATokenWhoseSubjectTurnsTextAround_NamesItPlainly()
    {
        var store = await StoreDriver.OnboardAsync(api, "ledger-bidi");
        var sku = store.NewSku("ACTOR");
        await store.SetStockAsync(sku, 5);
        // An override would show the audit trail's line after it reversed ("gpj.exe" as "exe.jpg"); a separator
        // would break it in two for most readers.
        using var staff = store.ClientWith(api.StoreToken(store.TenantId, StoreRoles.Owner, "eve\u202Enimda\u2066x\u2028y"));

        await staff.PostJsonAsync($"/admin/stock/{sku}/main/adjustments", new { delta = 1, reason = "delivery" }).ExpectAsync(HttpStatusCode.OK);

        var entries = await ReadWholeLedgerAsync(store, sku, pageSize: 50);
        Assert.Equal("user:eve?nimda?x?y", entries[0].Value<string>("actor"));
    }

    [Fact]
    public async Task AuditAndLedger_OfATokenWhoseSubjectIsCutWithinACharacter_KeepNoHalfOfIt()
    {
        var store = await StoreDriver.OnboardAsync(api, "ledger-cut");
        var sku = store.NewSku("CUT");
        await store.SetStockAsync(sku, 5);
        // The cut at Actors.MaxSubjectLength falls between the two halves of the emoji.
        var subject = new string('x', Actors.MaxSubjectLength - 1) + "\U0001F600" + "tail";
        using var staff = store.ClientWith(api.StoreToken(store.TenantId, StoreRoles.Owner, subject));

        await staff.PostJsonAsync($"/admin/stock/{sku}/main/adjustments", new { delta = 1, reason = "delivery" }).ExpectAsync(HttpStatusCode.OK);

        var ledgerActor = (await ReadWholeLedgerAsync(store, sku, pageSize: 50))[0].Value<string>("actor")!;
        var trail = await store.Owner.GetAsync("/admin/audit?take=100").ExpectAsync(HttpStatusCode.OK);
        var auditActor = trail["entries"]!.AsArray().Select(entry => entry!.Value<string>("actor")!).First(actor => actor.StartsWith("user:xxx", StringComparison.Ordinal));
        Assert.Equal("user:" + new string('x', Actors.MaxSubjectLength - 1), auditActor);
        Assert.DoesNotContain(ledgerActor, char.IsSurrogate);
    }

    private static async Task<List<JsonNode>> ReadWholeLedgerAsync(StoreDriver store, string sku, int pageSize)
    {
        var entries = new List<JsonNode>();
        string? before = null;
        do
        {
            var page = await store.Owner.GetAsync($"/admin/stock/{sku}/main/ledger?take={pageSize}{(before is null ? string.Empty : $"&before={before}")}")
                .ExpectAsync(HttpStatusCode.OK);
            entries.AddRange(page["entries"]!.AsArray().Select(entry => entry!));
            before = page["nextBefore"]?.ToString();
        }
        while (before is not null);

        return entries;
    }
}
