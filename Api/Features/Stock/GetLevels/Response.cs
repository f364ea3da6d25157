namespace MultiStore.Api.Features.Stock.GetLevels;

/// <summary>A SKU's full numbers in every zone it is stocked in, ordered by zone.</summary>
public sealed record Response(string Sku, IReadOnlyList<StockLevelResponse> Zones);
