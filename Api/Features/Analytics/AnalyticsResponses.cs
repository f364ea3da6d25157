using MultiStore.Grains.Interfaces.Analytics;

namespace MultiStore.Api.Features.Analytics;

/// <summary>Order counts and what they sold over a range or a day.</summary>
/// <param name="OrdersPlaced">Orders checked out.</param>
/// <param name="OrdersPaid">Orders paid (on the day of payment).</param>
/// <param name="OrdersExpired">Orders whose payment window passed unpaid; their held units went back to stock.</param>
/// <param name="Revenue">Total of the paid orders at the prices quoted at checkout.</param>
/// <param name="UnitsExpired">Units that were held for orders that expired.</param>
/// <param name="Conversion">paid ÷ (paid + expired), the flash-sale conversion; null when neither happened.</param>
public sealed record FiguresResponse(
    long OrdersPlaced,
    long OrdersPaid,
    long OrdersCancelled,
    long OrdersExpired,
    decimal Revenue,
    long UnitsSold,
    long UnitsExpired,
    double? Conversion)
{
    public static FiguresResponse From(SalesFigures figures) => new(
        figures.OrdersPlaced,
        figures.OrdersPaid,
        figures.OrdersCancelled,
        figures.OrdersExpired,
        figures.Revenue,
        figures.UnitsSold,
        figures.UnitsExpired,
        figures.Conversion);
}

/// <summary>One UTC day's figures.</summary>
public sealed record DayResponse(DateOnly Date, FiguresResponse Figures)
{
    public static DayResponse From(DaySales day) => new(day.Date, FiguresResponse.From(day.Figures));
}

/// <summary>Several stores' figures, grouped by currency (revenue is never added across currencies).</summary>
/// <param name="StoresRead">How many stores are included.</param>
/// <param name="Stores">Per store totals, most paid orders first.</param>
/// <param name="Unavailable">Stores whose figures could not be read this time.</param>
public sealed record CrossStoreResponse(
    DateOnly From,
    DateOnly To,
    int StoresRead,
    IReadOnlyList<CurrencyResponse> ByCurrency,
    IReadOnlyList<StoreTotalsResponse> Stores,
    IReadOnlyList<string> Unavailable)
{
    public static CrossStoreResponse For(CrossStoreAnalytics analytics) => new(
        analytics.From,
        analytics.To,
        analytics.StoresRead,
        [.. analytics.ByCurrency.Select(group => new CurrencyResponse(group.Currency, group.Stores, FiguresResponse.From(group.Totals), [.. group.Days.Select(DayResponse.From)]))],
        [.. analytics.Stores.Select(store => new StoreTotalsResponse(store.Store, store.Currency, FiguresResponse.From(store.Totals)))],
        analytics.Unavailable);
}

/// <summary>The summed figures of the stores selling in one currency, in total and per day.</summary>
public sealed record CurrencyResponse(string Currency, int Stores, FiguresResponse Totals, IReadOnlyList<DayResponse> Days);

/// <param name="Currency">The store's currency; null before its first order.</param>
public sealed record StoreTotalsResponse(string Store, string? Currency, FiguresResponse Totals);
