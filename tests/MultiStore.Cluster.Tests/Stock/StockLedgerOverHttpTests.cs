using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using MultiStore.Cluster.Tests.Hosting;
using MultiStore.Cluster.Tests.Operations;
using Xunit.Abstractions;

namespace MultiStore.Cluster.Tests.Stock;

/// <summary>
/// The stock ledger over HTTP on the durable cluster (issue 6): every change of on-hand and every end of a
/// reservation is a line, the lines add up to on-hand, and they are read from PostgreSQL, so a restart of the silo
/// loses none of them.
/// </summary>
[Collection(OperationsCollection.Name)]
public sealed class StockLedgerOverHttpTests(OperationsCluster operations, ITestOutputHelper output)
{
    private const string Shopper = "anonymous";
    private const string Owner = "user:cluster-tests";

    [Fact]
    public async Task Ledger_AfterAdjustmentsASaleAReleaseAndAnExpiry_PagesNewestFirstAddsUpToOnHandAndSurvivesASiloRestart()
    {
        var cluster = operations.Cluster;
        var store = await cluster.CreateStoreAsync(onHand: 10, sku: "LEDGER-1");
        var owner = await ApiProcess.TokenAsync("owner", store.TenantId);
        var entry = $"admin/stock/{store.Sku}/{TestStore.Zone}";

        await cluster.SendAsync(HttpMethod.Post, $"{entry}/adjustments", store.Host, owner, new { delta = 5, reason = "delivery", kind = "receive" }, HttpStatusCode.OK);
        await cluster.SendAsync(HttpMethod.Post, $"{entry}/adjustments", store.Host, owner, new { delta = -2, reason = "dropped", kind = "damage" }, HttpStatusCode.OK);

        // A sale: checkout turns the cart's hold into the order's, payment takes the units for good.
        var (soldCart, _) = await FillCartAsync(cluster, store, quantity: 3);
        var order = await cluster.SendAsync(HttpMethod.Post, $"api/carts/{soldCart}/checkout", store.Host, null, null, HttpStatusCode.Created);
        var soldHold = order["lines"]![0]!["reservationId"]!.GetValue<string>();
        await cluster.SendAsync(HttpMethod.Post, $"admin/orders/{order["orderId"]!.GetValue<string>()}/pay", store.Host, owner, new { paymentReference = "ledger-1" }, HttpStatusCode.OK);

        // A release: the shopper takes the line out of the cart again.
        var (releasedCart, releasedHold) = await FillCartAsync(cluster, store, quantity: 2);
        await cluster.SendAsync(HttpMethod.Delete, $"api/carts/{releasedCart}/items/{store.Sku}", store.Host, null, null, HttpStatusCode.OK);

        // An expiry: nobody comes back for the line, and the entry gives its units back when the cart hold runs out.
        var (_, expiredHold) = await FillCartAsync(cluster, store, quantity: 1);
        var waited = Stopwatch.StartNew();
        while ((await cluster.SendAsync(HttpMethod.Get, $"{entry}/ledger?take=1", store.Host, owner, null, HttpStatusCode.OK))["entries"]![0]!["kind"]!.GetValue<string>() != "expiry-release")
        {
            Assert.True(waited.Elapsed < OperationsCluster.CartHold + TimeSpan.FromSeconds(30), $"The cart line was still not expired {waited.Elapsed} after it was filled.");
            await Task.Delay(200);
        }

        // A recount last, so the newest line is an adjustment again.
        await cluster.SendAsync(HttpMethod.Put, entry, store.Host, owner, new { onHand = 12 }, HttpStatusCode.OK);

        var (lines, nextBefores) = await ReadLedgerAsync(cluster, store, owner, take: 3);
        var onHand = (await cluster.SendAsync(HttpMethod.Get, $"admin/stock/{store.Sku}", store.Host, owner, null, HttpStatusCode.OK))["zones"]![0]!["onHand"]!.GetValue<int>();

        Assert.Equal(12, onHand);
        Assert.Equal(onHand, lines.Sum(line => line.Delta));
        Assert.Equal(onHand, lines[0].OnHandAfter);
        Assert.Equal([5L, 2L, null], nextBefores);
        Assert.Equal(
            [
                (7L, "adjustment", 2, 12, "set", Owner, null),
                (6L, "expiry-release", 0, 10, null, "system:expiry", expiredHold),
                (5L, "release", 0, 10, null, Shopper, releasedHold),
                (4L, "sale", -3, 10, null, Owner, soldHold),
                (3L, "adjustment", -2, 13, "damage: dropped", Owner, null),
                (2L, "adjustment", 5, 15, "receive: delivery", Owner, null),
                (1L, "adjustment", 10, 10, "set", Owner, (string?)null),
            ],
            lines.Select(line => (line.Sequence, line.Kind, line.Delta, line.OnHandAfter, line.Reason, line.Actor, line.ReservationId)));

        // Every silo of the cluster stops (SIGTERM) and starts again: nothing of the entry stays in memory.
        var restart = Stopwatch.StartNew();
        // Other tests of the collection restart the shared silo too: count from where it stands now.
        var generation = cluster.Silos.Single().Generation;
        await cluster.Silos.Single().StopAsync(TimeSpan.FromSeconds(60));
        await cluster.RestoreAsync();
        Assert.Equal(generation + 1, cluster.Silos.Single().Generation);
        output.WriteLine($"Expiry seen {waited.Elapsed.TotalSeconds:F1} s after the line was filled (hold {OperationsCluster.CartHold.TotalSeconds:F0} s); silo restarted in {restart.Elapsed.TotalSeconds:F1} s.");

        var (afterRestart, _) = await ReadLedgerAsync(cluster, store, owner, take: 3);
        Assert.Equal(lines, afterRestart);
        var stored = await cluster.StoredLedgerAsync(store);
        Assert.Equal(
            lines.Select(line => (line.Sequence, line.At, line.Kind, line.Delta, line.OnHandAfter, line.Reason, line.Actor, line.ReservationId)),
            stored.Select(line => (line.Sequence, line.At, line.Kind, line.Delta, line.OnHandAfter, line.Reason, line.Actor, line.ReservationId)));
    }

    /// <summary>A new cart with one line of the store's SKU; returns the cart and the reservation holding the line.</summary>
    private static async Task<(string CartId, string ReservationId)> FillCartAsync(LocalCluster cluster, TestStore store, int quantity)
    {
        var cartId = Guid.NewGuid().ToString("D");
        var cart = await cluster.SendAsync(HttpMethod.Put, $"api/carts/{cartId}/items/{store.Sku}", store.Host, null, new { quantity }, HttpStatusCode.OK);
        return (cartId, cart["lines"]![0]!["reservationId"]!.GetValue<string>());
    }

    /// <summary>The whole ledger, a page of <paramref name="take"/> at a time, and each page's <c>nextBefore</c>.</summary>
    private static async Task<(List<Line> Lines, List<long?> NextBefores)> ReadLedgerAsync(LocalCluster cluster, TestStore store, string owner, int take)
    {
        var lines = new List<Line>();
        var nextBefores = new List<long?>();
        long? before = null;
        do
        {
            var page = await cluster.SendAsync(
                HttpMethod.Get, $"admin/stock/{store.Sku}/{TestStore.Zone}/ledger?take={take}{(before is null ? string.Empty : $"&before={before}")}",
                store.Host, owner, null, HttpStatusCode.OK);
            Assert.True(nextBefores.Count < 100, "The ledger's pages never end.");
            lines.AddRange(page["entries"]!.AsArray().Select(entry => Line.From(entry!)));
            before = page["nextBefore"]?.GetValue<long>();
            nextBefores.Add(before);
        }
        while (before is not null);

        return (lines, nextBefores);
    }

    private sealed record Line(long Sequence, DateTimeOffset At, string Kind, int Delta, int OnHandAfter, string? Reason, string Actor, string? ReservationId)
    {
        public static Line From(JsonNode entry) => new(
            entry["sequence"]!.GetValue<long>(),
            DateTimeOffset.Parse(entry["at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture),
            entry["kind"]!.GetValue<string>(),
            entry["delta"]!.GetValue<int>(),
            entry["onHandAfter"]!.GetValue<int>(),
            entry["reason"]?.GetValue<string>(),
            entry["actor"]!.GetValue<string>(),
            entry["reservationId"]?.GetValue<string>());
    }
}
