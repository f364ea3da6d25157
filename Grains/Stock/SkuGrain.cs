using Microsoft.Extensions.Logging;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Catalog;
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
public sealed class SkuGrain(
    [PersistentState("sku", StorageNames.Store)] IPersistentState<SkuState> sku,
    ILogger<SkuGrain> logger) : Grain, ISkuGrain
{
    /// <summary>
    /// Most zones a SKU is stocked in: a warehouse lists at most as many, and stock in zones it does not list (which
    /// <c>PUT /admin/stock/{sku}/{zone}</c> of earlier releases took) must not grow the index (and every per-SKU read)
    /// without bound.
    /// </summary>
    public const int MaxZones = WarehouseGrain.MaxZones;

    /// <inheritdoc />
    public Task AddZoneAsync(string zone) => ListAsync(zone);

    /// <inheritdoc />
    public async Task<StockLevel> AdjustZoneAsync(string zone, StockAdjustment adjustment)
    {
        // The cap, the index and the entry in one call: the grain is not reentrant, so no other request for this SKU
        // is looked at until the entry answers. Checked in one call and listed in another, two requests for new zones
        // could both pass the check at 49, and the one refused at the listing had already stocked its entry.
        // Listed durably before the entry is touched: a zone listed with no stock yet reads as never stocked, which
        // every read skips, where an entry stocked first and then left unlisted by a failed write holds stock that
        // carts sell but no per-SKU read or export shows. A failed write here stocks nothing (and the failure filter
        // drops this activation, whose memory lists the zone).
        var listedNow = await ListAsync(zone);

        try
        {
            return await Entry(zone).AdjustAsync(adjustment);
        }
        catch (StoreRuleException) when (listedNow)
        {
            // A refusal changed nothing in the entry: a zone this call listed gives its place under the cap back,
            // unless the entry holds stock from before (stocked once and left unlisted), which must stay listed.
            // Any other failure keeps the zone listed, as the entry may have been set before its answer was lost.
            // Best effort: whatever happens there, the caller gets this refusal.
            await UnlistIfNeverStockedAsync(zone);
            throw;
        }
    }

    /// <inheritdoc />
    public async Task<StockLevel> StockByHandAsync(string zone, StockAdjustment adjustment)
    {
        var (tenant, skuId) = TenantKey.Parse(this.GetPrimaryKeyString());
        var claim = await GrainFactory.GetGrainByKey<ICatalogGrain>(TenantKey.For(tenant, ICatalogGrain.EntityId)).ClaimSkuAsync(skuId);
        if (claim.IssuedAs is { } issued && issued != skuId)
        {
            throw new StoreRuleException(RuleCodes.SkuSpelling, $"The catalog issued this SKU as '{issued}'; stock it under that spelling.");
        }

        try
        {
            return await AdjustZoneAsync(zone, adjustment);
        }
        catch (StoreRuleException) when (claim.RecordedNow)
        {
            // Nobody else relies on a claim this call recorded: other counts of this SKU wait for this call, and a code
            // the catalog never issued is stocked by no other route. Unless some zone holds stock from before the claims
            // were recorded, the refused count gives the store's place under the cap back.
            await ReleaseClaimIfNeverStockedAsync(tenant, skuId);
            throw;
        }
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

    /// <summary>
    /// Takes <paramref name="zone"/> off the list when its entry was never stocked. Best effort, on a refusal's way out,
    /// and never throws: the caller is owed the entry's refusal (a 4xx), not this cleanup's failure (a 5xx). A zone left
    /// listed is harmless and left for the next write: reads skip an entry never stocked, and a retried request stocks
    /// it (it holds a place under the cap meanwhile, as after any failed write). If the entry cannot say whether it is
    /// stocked, nothing changed here yet, so memory and storage still agree; if the write fails, storage still lists
    /// the zone, and this activation, whose memory no longer does, goes.
    /// </summary>
    private async Task UnlistIfNeverStockedAsync(string zone)
    {
        try
        {
            if (await Entry(zone).IsStockedAsync())
            {
                return;
            }
        }
        catch (Exception failure)
        {
            logger.LogWarning(failure, "SKU {Sku} could not ask whether zone {Zone}, refused, was ever stocked; it stays listed", this.GetPrimaryKeyString(), zone);
            return;
        }

        sku.State.Zones.Remove(zone);
        try
        {
            await sku.WriteStateAsync();
        }
        catch (Exception failure)
        {
            logger.LogWarning(failure, "SKU {Sku} could not take zone {Zone}, refused and never stocked, off its list", this.GetPrimaryKeyString(), zone);
            DeactivateOnIdle();
        }
    }

    /// <summary>
    /// Gives the catalog back a claim on this SKU when none of its zones was ever stocked. Best effort, on a refusal's
    /// way out, and never throws: a claim left recorded only holds a place under the cap, as before this release.
    /// </summary>
    private async Task ReleaseClaimIfNeverStockedAsync(TenantId tenant, string skuId)
    {
        try
        {
            var stocked = await Task.WhenAll(sku.State.Zones.Select(zone => Entry(zone).IsStockedAsync()));
            if (!stocked.Any(isStocked => isStocked))
            {
                await GrainFactory.GetGrainByKey<ICatalogGrain>(TenantKey.For(tenant, ICatalogGrain.EntityId)).ReleaseSkuClaimAsync(skuId);
            }
        }
        catch (Exception failure)
        {
            logger.LogWarning(failure, "SKU {Sku}, refused, could not give its catalog claim back; it stays recorded", this.GetPrimaryKeyString());
        }
    }

    /// <summary>Lists <paramref name="zone"/> durably, within the cap; whether this call listed it (false: it was already).</summary>
    private async Task<bool> ListAsync(string zone)
    {
        EnsureAllowed(zone);
        if (!sku.State.Zones.Add(zone))
        {
            return false;
        }

        await sku.WriteStateAsync();
        return true;
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
