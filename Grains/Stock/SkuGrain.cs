using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;

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
    /// <inheritdoc />
    public async Task AddZoneAsync(string zone)
    {
        IdRules.EnsureZone(zone);
        if (sku.State.Zones.Add(zone))
        {
            await sku.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetZonesAsync() =>
        Task.FromResult<IReadOnlyList<string>>([.. sku.State.Zones.Order(StringComparer.Ordinal)]);

    /// <inheritdoc />
    public async Task<IReadOnlyList<StockLevel>> GetLevelsAsync()
    {
        var (tenant, skuId) = TenantKey.Parse(this.GetPrimaryKeyString());
        var reads = sku.State.Zones
            .Order(StringComparer.Ordinal)
            .Select(zone => GrainFactory.GetGrainByKey<IStockGrain>(TenantKey.For(tenant, StockEntryId.Format(skuId, zone))).GetAsync());
        return await Task.WhenAll(reads);
    }
}
