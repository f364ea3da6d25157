using MultiStore.Grains.Interfaces.Analytics;

namespace MultiStore.Api.Features.Analytics.Get;

/// <summary>A store's figures over a range of UTC days.</summary>
/// <param name="Currency">The currency of every revenue figure; null before the store's first order.</param>
/// <param name="Days">Every day of the range, oldest first, days without orders as zeros.</param>
/// <param name="TopSkus">The SKUs with the most units sold (paid orders) in the range.</param>
public sealed record Response(
    string Store,
    string? Currency,
    DateOnly From,
    DateOnly To,
    FiguresResponse Totals,
    IReadOnlyList<DayResponse> Days,
    IReadOnlyList<TopSkuResponse> TopSkus)
{
    public static Response For(string store, StoreAnalytics analytics) => new(
        store,
        analytics.Currency,
        analytics.From,
        analytics.To,
        FiguresResponse.From(analytics.Totals),
        [.. analytics.Days.Select(DayResponse.From)],
        [.. analytics.TopSkus.Select(sku => new TopSkuResponse(sku.Sku, sku.Units, sku.Revenue))]);
}

public sealed record TopSkuResponse(string Sku, long UnitsSold, decimal Revenue);
