using MultiStore.Grains.Interfaces.Warehouse;

namespace MultiStore.Api.Features.Zones;

/// <summary>A store's warehouse zones and its default zone (the one shoppers get when they name none).</summary>
public sealed record ZonesResponse(string DefaultZone, IReadOnlyList<ZoneResponse> Zones)
{
    public static ZonesResponse From(WarehouseView warehouse) =>
        new(warehouse.DefaultZone, [.. warehouse.Zones.Select(zone => new ZoneResponse(zone.Id, zone.Name, zone.Id == warehouse.DefaultZone))]);
}

public sealed record ZoneResponse(string Zone, string Name, bool IsDefault);
