using System.Net.Http.Json;
using System.Text.Json;
using MultiStore.Cluster.Tests.Hosting;

namespace MultiStore.Cluster.Tests.Failover;

/// <summary>What every incident test asserts once the load has stopped: the acknowledgements shoppers got are true.</summary>
public static class Acknowledgements
{
    /// <summary>How many carts acknowledged at the first try are asked again (on top of every retried cart).</summary>
    private const int FirstTrySample = 20;

    /// <summary>
    /// Reads the hot SKU's journal and the store's carts from PostgreSQL and asserts: every acknowledged
    /// reservation is held by the stock entry and by its cart; no cart holds a second reservation (a retry after a
    /// lost acknowledgement reserved nothing more); nothing else is held (no stranded stock); reserved never exceeds
    /// on-hand. Then asks again, over HTTP, for every cart that needed retries and a sample of the others: each
    /// answers 200 with the reservation it was acknowledged with.
    /// </summary>
    public static async Task AssertAllKeptAsync(LocalCluster cluster, TestStore store, LoadResult load)
    {
        var stock = await cluster.StoredStockAsync(store);
        var carts = await cluster.StoredCartLinesAsync(store);
        var acknowledged = load.Acknowledged.ToList();
        var acknowledgedIds = acknowledged.Select(attempt => attempt.ReservationId!).ToHashSet(StringComparer.Ordinal);
        var reserved = stock.Held.Values.Sum(held => held.Quantity);

        var notHeld = acknowledged.Where(attempt => !stock.Held.ContainsKey(attempt.ReservationId!)).ToList();
        var notInCart = acknowledged.Where(attempt => carts.GetValueOrDefault(attempt.CartId) != attempt.ReservationId).ToList();
        var unacknowledgedHolds = stock.Held.Keys.Where(id => !acknowledgedIds.Contains(id)).ToList();
        var stranded = unacknowledgedHolds.Where(id => !load.Unfinished.Any(cart => id.Contains(cart, StringComparison.Ordinal))).ToList();
        cluster.Report(
            $"Stored: {stock.Held.Count} reservations held ({reserved} units of {stock.OnHand} on hand), {carts.Count} carts; " +
            $"{acknowledged.Count} acknowledged; acknowledged but not held: {notHeld.Count}; not in their cart: {notInCart.Count}; " +
            $"held without an acknowledgement: {unacknowledgedHolds.Count} ({load.Unfinished.Count} carts unfinished at the end).");

        Assert.True(notHeld.Count == 0, $"Acknowledged but not held by the stock entry: {string.Join(", ", notHeld.Take(5).Select(a => a.ReservationId))}");
        Assert.True(notInCart.Count == 0, $"Acknowledged but not in their cart: {string.Join(", ", notInCart.Take(5).Select(a => a.CartId))}");
        Assert.True(stranded.Count == 0, $"Held although no shopper was told so (stranded or doubled): {string.Join(", ", stranded.Take(5))}");
        Assert.Equal(store.OnHand, stock.OnHand);
        Assert.True(reserved <= stock.OnHand, $"{reserved} units reserved with {stock.OnHand} on hand.");

        var retried = acknowledged.Where(attempt => attempt.Try > 1).ToList();
        var firstTries = acknowledged.Where(attempt => attempt.Try == 1).ToList();
        var step = Math.Max(1, firstTries.Count / FirstTrySample);
        var again = retried.Concat(firstTries.Where((_, i) => i % step == 0).Take(FirstTrySample)).ToList();
        // Twenty at a time, like twenty impatient shoppers.
        var answers = await Task.WhenAll(again.Select((attempt, i) => (attempt, i)).GroupBy(item => item.i % 20).Select(async group =>
        {
            var differences = new List<string>();
            foreach (var (attempt, _) in group)
            {
                var reservationId = await ReservationOfRetryAsync(cluster, store, attempt.CartId);
                if (reservationId != attempt.ReservationId)
                {
                    differences.Add($"{attempt.CartId}: acknowledged {attempt.ReservationId}, retry answered {reservationId}");
                }
            }

            return differences;
        }));
        var different = answers.SelectMany(difference => difference).ToList();
        cluster.Report($"Asked again: {again.Count} carts ({retried.Count} that needed retries during the incident), {different.Count} answered differently.");
        Assert.True(different.Count == 0, string.Join("; ", different.Take(5)));
    }

    /// <summary>The same request again: the reservation id of the 200 it answers, or the status it answered instead.</summary>
    private static async Task<string> ReservationOfRetryAsync(LocalCluster cluster, TestStore store, string cartId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"api/carts/{cartId}/items/{store.Sku}")
        {
            Content = JsonContent.Create(new { quantity = 1, zone = TestStore.Zone }),
        };
        request.Headers.Host = store.Host;
        using var response = await cluster.Http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            return $"HTTP {(int)response.StatusCode}";
        }

        using var cart = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var lines = cart.RootElement.GetProperty("lines").EnumerateArray().ToList();
        return lines.Count == 1 && lines[0].GetProperty("quantity").GetInt32() == 1
            ? lines[0].GetProperty("reservationId").GetString()!
            : $"{lines.Count} lines";
    }
}
