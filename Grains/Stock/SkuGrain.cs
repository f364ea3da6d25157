using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Warehouse;

namespace MultiStore.Grains.Stock;

/// <summary>Persisted zones of one SKU.</summary>
[GenerateSerializer, Alias("multistore.SkuState")]
public sealed class SkuState
{
    [Id(0)] public HashSet<string> Zones { get; set; } = [];
}

/// <summary>A SKU across its zones: the index that lets a per-SKU read find every stock entry.</summary>
public sealed class SkuGrain([PersistentState("sku", StorageNames.Store)] IPersistentState<SkuState> sku) : Grain, ISkuGrain
{
    /// <summary>
    /// Most zones a SKU is stocked in: a warehouse lists at most as many, and <c>PUT /admin/stock/{sku}/{zone}</c>, which
    /// takes zones the warehouse does not list, must not grow the index (and every per-SKU read) without bound.
    /// </summary>
    public const int MaxZones = WarehouseGrain.MaxZones;

    /// <inheritdoc />
    public async Task AddZoneAsync(string zone)
    {
        EnsureAllowed(zone);
        if (sku.State.Zones.Add(zone))
        {
            await sku.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public async Task<StockLevel> AdjustZoneAsync(string zone, StockAdjustment adjustment)
    {
        // The cap, the entry and the index in one call: the grain is not reentrant, so no other request for this SKU
        // is looked at until the zone is listed. Checked in one call and listed in another, two requests for new zones
        // could both pass the check at 49, and the one refused at the listing had already stocked its entry.
        EnsureAllowed(zone);
        var level = await Entry(zone).AdjustAsync(adjustment);
        // After the entry exists, so the SKU never lists a zone without stock.
        await AddZoneAsync(zone);
        return level;
    }

    /// <inheritdoc />
    public Task EnsureZoneAllowedAsync(string zone)
    {
        EnsureAllowed(zone);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetZonesAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. sku.State.Zones.Order(StringComparer.Ordinal)]);

    /// <inheritdoc />
    public async Task<IReadOnlyList<StockLevel>> GetLevelsAsync()
    {
        var reads = sku.State.Zones.Order(StringComparer.Ordinal).Select(zone => Entry(zone).GetAsync());
        return await Task.WhenAll(reads);
    }

    /// <summary>This SKU's stock entry in <paramref name="zone"/>.</summary>
    private IStockGrain Entry(string zone)
    {
        var (tenant, skuId) = TenantKey.Parse(this.GetPrimaryKeyString());
        return GrainFactory.GetGrainByKey<IStockGrain>(TenantKey.For(tenant, StockEntryId.Format(skuId, zone)));
    }

    /// <summary>The same answer for <see cref="AddZoneAsync"/> and <see cref="EnsureZoneAllowedAsync"/>: the warehouse's, for its own cap.</summary>
    private void EnsureAllowed(string zone)
    {
        IdRules.EnsureZone(zone);
        if (!sku.State.Zones.Contains(zone) && sku.State.Zones.Count >= MaxZones)
        {
            throw new StoreRuleException(RuleCodes.InvalidId, $"A SKU is stocked in at most {MaxZones} zones; this one already is in {sku.State.Zones.Count}.");
        }
    }
}
