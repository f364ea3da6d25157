namespace MultiStore.Grains.Interfaces.Warehouse;

/// <summary>A warehouse zone of a store: its id (used in stock keys, <c>sku@zone</c>) and a display name.</summary>
[GenerateSerializer, Immutable, Alias("multistore.Zone")]
public sealed record Zone(
    [property: Id(0)] string Id,
    [property: Id(1)] string Name);

/// <summary>A store's zones, ordered by id, and the one shoppers get when they name none.</summary>
[GenerateSerializer, Immutable, Alias("multistore.WarehouseView")]
public sealed record WarehouseView(
    [property: Id(0)] string DefaultZone,
    [property: Id(1)] IReadOnlyList<Zone> Zones)
{
    public bool Has(string zone) => Zones.Any(candidate => candidate.Id == zone);
}
