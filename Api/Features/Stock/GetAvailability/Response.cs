using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Api.Features.Stock.GetAvailability;

/// <summary>
/// What a shopper may know: how many units can be bought, in total and per zone. The total is 64-bit: each zone holds
/// up to a billion units, and three full zones already pass what an int holds.
/// </summary>
public sealed record Response(string Sku, long Available, IReadOnlyList<ZoneAvailability> Zones)
{
    public static Response From(string sku, IReadOnlyList<StockLevel> levels)
    {
        var zones = levels.Select(level => new ZoneAvailability(level.Zone, level.Available)).ToList();
        return new Response(sku, zones.Sum(zone => (long)zone.Available), zones);
    }
}

public sealed record ZoneAvailability(string Zone, int Available);
