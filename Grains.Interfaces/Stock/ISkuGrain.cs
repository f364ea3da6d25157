using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;
using Orleans.Concurrency;

namespace MultiStore.Grains.Interfaces.Stock;

/// <summary>
/// A SKU across zones (key <c>tenantId/sku</c>): remembers in which zones the SKU is stocked, so reads
/// per SKU need not guess zone names. A SKU that was never stocked anywhere is unknown to the store.
/// </summary>
[Alias("multistore.ISkuGrain")]
public interface ISkuGrain : ITenantScopedGrain
{
    /// <summary>
    /// Records that the SKU is stocked in <paramref name="zone"/>; idempotent. A SKU is stocked in at most as many zones
    /// as a warehouse may list (50): a zone beyond them is refused (<see cref="RuleCodes.InvalidId"/>).
    /// </summary>
    [RequiresPermission(StorePermission.StockWrite)]
    [Alias("AddZone")]
    Task AddZoneAsync(string zone);

    /// <summary>
    /// Applies <paramref name="adjustment"/> to the SKU's stock entry in <paramref name="zone"/> and lists the zone, as one
    /// decision: a zone beyond the cap (see <see cref="AddZoneAsync"/>) is refused before its entry is touched, and no
    /// other zone of this SKU is decided meanwhile, so concurrent requests for new zones never pass the cap together,
    /// and a refused one stocks nothing. The zone is listed durably before the entry is set, so an entry with stock is
    /// never left unlisted: a call that fails may leave the zone listed with its entry never stocked (reads skip such
    /// an entry; the zone keeps its place under the cap, and a retry stocks it), and an entry's refusal takes a zone
    /// this call listed off again. Answers the entry's level, as <see cref="IStockGrain.AdjustAsync"/> does.
    /// </summary>
    [RequiresPermission(StorePermission.StockWrite)]
    [Alias("AdjustZone")]
    Task<StockLevel> AdjustZoneAsync(string zone, StockAdjustment adjustment);

    /// <summary>
    /// <see cref="AdjustZoneAsync"/> for an admin's count (<c>PUT /admin/stock</c>), which may stock a code the catalog
    /// never issued: the code is first claimed from the catalog (<see cref="Catalog.ICatalogGrain.ClaimSkuAsync"/>), so
    /// no later variant is issued it, and a claim this call recorded is given back when the entry refuses with nothing
    /// stocked, so a refused count uses up none of the store's places. Both happen within this SKU's one-at-a-time
    /// calls: no other count of this SKU can rely on the claim between the refusal and the release. Refused with
    /// <see cref="RuleCodes.SkuSpelling"/> when the catalog issued the SKU in other letter case.
    /// </summary>
    [RequiresPermission(StorePermission.StockWrite)]
    [Alias("StockByHand")]
    Task<StockLevel> StockByHandAsync(string zone, StockAdjustment adjustment);

    /// <summary>
    /// Refuses, as <see cref="AddZoneAsync"/> would, a zone the SKU may not be stocked in; changes nothing. Kept for the
    /// previous release's API, which asks it before setting an entry; this release sets entries through
    /// <see cref="AdjustZoneAsync"/>, since an answer here no longer holds once another request lists a zone.
    /// </summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.StockWrite)]
    [Alias("EnsureZoneAllowed")]
    Task EnsureZoneAllowedAsync(string zone);

    /// <summary>
    /// The zones the SKU is listed in, ordered; empty when unknown. Reads no stock entry: every zone the SKU is stocked
    /// in, and possibly one whose first stocking failed (see <see cref="AdjustZoneAsync"/>), whose entry reads as never stocked.
    /// </summary>
    [RetrySafe]
    [ReadOnly]
    [RequiresPermission(StorePermission.StockRead, StorePermission.StockWrite)]
    [Alias("GetZones")]
    Task<IReadOnlyList<string>> GetZonesAsync();

    /// <summary>
    /// The SKU's levels in every zone it is listed in, ordered by zone; empty when unknown. A zone whose first stocking
    /// failed reads as never stocked (<see cref="StockLevel.IsStocked"/> false): readers show only stocked levels.
    /// Read-only, so reads run side by side: each waits for its entries' writes in flight, and during a flash sale a hot
    /// SKU's product page would otherwise be read one shopper at a time, a journal write each.
    /// </summary>
    [RetrySafe]
    [ReadOnly]
    [RequiresPermission(StorePermission.StockRead, StorePermission.Shop)]
    [Alias("GetLevels")]
    Task<IReadOnlyList<StockLevel>> GetLevelsAsync();
}
