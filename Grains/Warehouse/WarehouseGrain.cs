using System.Text;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Warehouse;

namespace MultiStore.Grains.Warehouse;

/// <summary>What a store's warehouse persists; empty until an admin first changes a zone.</summary>
[GenerateSerializer, Alias("multistore.WarehouseState")]
public sealed class WarehouseState
{
    /// <summary>Zone names by zone id.</summary>
    [Id(0)] public Dictionary<string, string> Zones { get; set; } = [];

    [Id(1)] public string? DefaultZone { get; set; }
}

/// <summary>A store's zones. A store that never configured any has exactly <c>main</c>, its default.</summary>
public sealed class WarehouseGrain([PersistentState("warehouse", StorageNames.Store)] IPersistentState<WarehouseState> warehouse)
    : Grain, IWarehouseGrain
{
    /// <summary>Zones a store may have: enough for any warehouse layout, few enough to list on a product page.</summary>
    public const int MaxZones = 50;

    public const int MaxNameLength = 60;

    /// <summary>The stored default, or <c>main</c> for a store that never set one.</summary>
    private string DefaultZone => warehouse.State.DefaultZone ?? IWarehouseGrain.InitialZone;

    /// <inheritdoc />
    public Task<WarehouseView> GetAsync() => Task.FromResult(View());

    /// <inheritdoc />
    public Task<string> GetDefaultZoneAsync() => Task.FromResult(DefaultZone);

    /// <inheritdoc />
    public async Task<WarehouseView> PutZoneAsync(string zone, string name, bool makeDefault)
    {
        IdRules.EnsureZone(zone);
        // One form of each accented letter (NFC), as catalog names have: "Café" typed composed or decomposed is one
        // name, so sending it again changes nothing. Checked before it is normalized: normalizing half a character throws.
        var trimmed = name?.Trim() ?? string.Empty;
        trimmed = PlainText.IsPlain(trimmed) ? trimmed.Normalize(NormalizationForm.FormC) : string.Empty;
        if (trimmed.Length is 0 or > MaxNameLength)
        {
            throw new StoreRuleException(RuleCodes.InvalidId, $"A zone name has 1-{MaxNameLength} printable characters.");
        }

        var state = warehouse.State;
        var zones = state.Zones.Count == 0 ? new Dictionary<string, string> { [IWarehouseGrain.InitialZone] = "Main" } : new Dictionary<string, string>(state.Zones);
        if (!zones.ContainsKey(zone) && zones.Count >= MaxZones)
        {
            throw new StoreRuleException(RuleCodes.InvalidId, $"A store has at most {MaxZones} zones.");
        }

        var defaultZone = makeDefault ? zone : DefaultZone;
        if (zones.TryGetValue(zone, out var existing) && existing == trimmed && defaultZone == DefaultZone && state.Zones.Count > 0)
        {
            return View();
        }

        zones[zone] = trimmed;
        warehouse.State = new WarehouseState { Zones = zones, DefaultZone = defaultZone };
        try
        {
            await warehouse.WriteStateAsync();
        }
        catch
        {
            // Put back for the rest of this activation's life; the failure filter then ends it.
            warehouse.State = state;
            throw;
        }

        return View();
    }

    private WarehouseView View()
    {
        var state = warehouse.State;
        if (state.Zones.Count == 0)
        {
            return new WarehouseView(IWarehouseGrain.InitialZone, [new Zone(IWarehouseGrain.InitialZone, "Main")]);
        }

        return new WarehouseView(
            DefaultZone,
            [.. state.Zones.OrderBy(zone => zone.Key, StringComparer.Ordinal).Select(zone => new Zone(zone.Key, zone.Value))]);
    }
}
