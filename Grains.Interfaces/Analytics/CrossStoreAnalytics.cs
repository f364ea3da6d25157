namespace MultiStore.Grains.Interfaces.Analytics;

/// <summary>
/// Several stores' figures rolled up: the owner's view of the stores they own and the platform operator's view of
/// every store. Revenue is never added across currencies, so the roll-up is grouped by currency.
/// </summary>
/// <param name="StoresRead">How many stores' figures are included.</param>
/// <param name="ByCurrency">Per currency: the stores selling in it, their summed figures and days.</param>
/// <param name="Stores">Per store totals, most paid orders first (all of them, or the top ones when the caller asked so).</param>
/// <param name="Unavailable">Stores whose figures could not be read this time (their grain did not answer).</param>
[GenerateSerializer, Immutable, Alias("multistore.CrossStoreAnalytics")]
public sealed record CrossStoreAnalytics(
    [property: Id(0)] DateOnly From,
    [property: Id(1)] DateOnly To,
    [property: Id(2)] int StoresRead,
    [property: Id(3)] IReadOnlyList<CurrencySales> ByCurrency,
    [property: Id(4)] IReadOnlyList<StoreSales> Stores,
    [property: Id(5)] IReadOnlyList<string> Unavailable)
{
    /// <summary>
    /// Rolls up <paramref name="stores"/> (each store's id and its figures over the same range); keeps the
    /// <paramref name="topStores"/> stores with the most paid orders in <see cref="Stores"/> (null: all of them).
    /// </summary>
    public static CrossStoreAnalytics Combine(
        DateOnly from,
        DateOnly to,
        IEnumerable<(string Store, StoreAnalytics Figures)> stores,
        IReadOnlyList<string> unavailable,
        int? topStores = null)
    {
        var read = stores.ToList();
        var byCurrency = read
            .Where(store => store.Figures.Currency is not null)
            .GroupBy(store => store.Figures.Currency!, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => new CurrencySales(
                group.Key,
                group.Count(),
                group.Aggregate(SalesFigures.Zero, (sum, store) => sum.Plus(store.Figures.Totals)),
                [.. group
                    .SelectMany(store => store.Figures.Days)
                    .GroupBy(day => day.Date)
                    .OrderBy(day => day.Key)
                    .Select(day => new DaySales(day.Key, day.Aggregate(SalesFigures.Zero, (sum, each) => sum.Plus(each.Figures))))]))
            .ToList();
        var ranked = read
            .Select(store => new StoreSales(store.Store, store.Figures.Currency, store.Figures.Totals))
            .OrderByDescending(store => store.Totals.OrdersPaid)
            .ThenByDescending(store => store.Totals.OrdersPlaced)
            .ThenBy(store => store.Store, StringComparer.Ordinal);
        return new CrossStoreAnalytics(
            from,
            to,
            read.Count,
            byCurrency,
            [.. topStores is { } top ? ranked.Take(top) : ranked],
            [.. unavailable.Order(StringComparer.Ordinal)]);
    }
}

/// <summary>The summed figures of the stores that sell in one currency.</summary>
[GenerateSerializer, Immutable, Alias("multistore.CurrencySales")]
public sealed record CurrencySales(
    [property: Id(0)] string Currency,
    [property: Id(1)] int Stores,
    [property: Id(2)] SalesFigures Totals,
    [property: Id(3)] IReadOnlyList<DaySales> Days);

/// <summary>One store's totals in a cross-store view.</summary>
/// <param name="Currency">The store's currency; null when it has had no order yet.</param>
[GenerateSerializer, Immutable, Alias("multistore.StoreSales")]
public sealed record StoreSales(
    [property: Id(0)] string Store,
    [property: Id(1)] string? Currency,
    [property: Id(2)] SalesFigures Totals);
