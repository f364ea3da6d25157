using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;
using Orleans.Concurrency;

namespace MultiStore.Grains.Interfaces.Catalog;

/// <summary>
/// One store's catalog (key <c>tenantId/catalog</c>): products, variants, and the SKUs it issues. It is the only
/// issuer of SKUs in the store, so a SKU is unique within the store and, once issued, never regenerated or reused
/// (renaming a product or its category keeps its SKUs; an archived product keeps them too).
/// <para>
/// Changes run one at a time. The reads marked <see cref="AlwaysInterleaveAttribute"/> run between them and answer the
/// catalog as last stored, never a change still being worked out or written: a shopper's cart asks whether a SKU is for
/// sale on every add, and would otherwise wait behind an admin's import of thousands of rows, past the call timeout.
/// </para>
/// </summary>
[Alias("multistore.ICatalogGrain")]
public interface ICatalogGrain : ITenantScopedGrain
{
    /// <summary>The entity part of the catalog's key.</summary>
    const string EntityId = "catalog";

    /// <summary>
    /// How long an import (or its dry run) may take before its caller gives up: working out 50,000 rows takes seconds
    /// of CPU, past the Api's 3 s call timeout, which would answer 503 for an import that is then applied all the same.
    /// </summary>
    const string ImportTimeout = "00:02:00";

    [RetrySafe]
    [AnyStoreCaller, ReadOnly, AlwaysInterleave, Alias("GetSettings")]
    Task<CatalogSettings> GetSettingsAsync();

    /// <summary>
    /// Sets the SKU prefix and/or currency (null keeps one). Refused with <c>catalog-locked</c> once SKUs were issued
    /// (prefix) or products exist (currency) and the value would change.
    /// </summary>
    [RequiresPermission(StorePermission.CatalogWrite), Alias("Configure")]
    Task<CatalogSettings> ConfigureAsync(string? skuPrefix, string? currency);

    /// <summary>Creates a product and issues its SKUs; refused with <c>product-exists</c> when the handle is taken.</summary>
    [RequiresPermission(StorePermission.CatalogWrite), Alias("CreateProduct")]
    Task<Product> CreateProductAsync(ProductDraft draft);

    /// <summary>Changes a product's fields (never its SKUs); <c>not-found</c> when there is no such product.</summary>
    [RequiresPermission(StorePermission.CatalogWrite), Alias("UpdateProduct")]
    Task<Product> UpdateProductAsync(string handle, ProductChange change);

    /// <summary>Adds a variant and issues its SKU; an existing attribute set answers the product unchanged.</summary>
    [RequiresPermission(StorePermission.CatalogWrite), Alias("AddVariant")]
    Task<Product> AddVariantAsync(string handle, IReadOnlyDictionary<string, string> attributes);

    /// <summary>The product, archived or not, or null.</summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.Shop, StorePermission.CatalogRead), ReadOnly, AlwaysInterleave, Alias("GetProduct")]
    Task<Product?> GetProductAsync(string handle);

    /// <summary>A page of products in creation order.</summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.Shop, StorePermission.CatalogRead), ReadOnly, AlwaysInterleave, Alias("List")]
    Task<ProductPage> ListAsync(ProductQuery query);

    /// <summary>The catalog's entry of each SKU it issued; SKUs it never issued are left out.</summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.Shop, StorePermission.CatalogRead), ReadOnly, AlwaysInterleave, Alias("FindSkus")]
    Task<IReadOnlyList<SkuInfo>> FindSkusAsync(IReadOnlyList<string> skus);

    /// <summary>
    /// The SKU as the catalog issued it when <paramref name="sku"/> names it in other letter case (null when the catalog
    /// issued no such SKU). Stock keyed by the other spelling would be a separate entry that the catalog cannot find:
    /// sold at no price and whatever the product's status.
    /// </summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.CatalogRead, StorePermission.StockWrite), ReadOnly, AlwaysInterleave, Alias("FindSkuSpelling")]
    Task<string?> FindSkuSpellingAsync(string sku);

    /// <summary>
    /// Asked before an admin stocks <paramref name="sku"/>: the spelling the catalog issued it under, as
    /// <see cref="FindSkuSpellingAsync"/> answers; null when it may be stocked as typed. A code of the form the catalog
    /// issues but has not issued, in any letter case, is then recorded as taken, so no later variant is given it (and
    /// its stock).
    /// </summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.StockWrite), Alias("ClaimSkuForStock")]
    Task<string?> ClaimSkuForStockAsync(string sku);

    /// <summary>
    /// <see cref="ClaimSkuForStockAsync"/>, also saying whether this call recorded the code: asked by
    /// <see cref="Stock.ISkuGrain.StockByHandAsync"/>, which gives a code it recorded back when the stock entry refuses.
    /// </summary>
    [RequiresPermission(StorePermission.StockWrite), Alias("ClaimSku")]
    Task<SkuClaim> ClaimSkuAsync(string sku);

    /// <summary>
    /// Forgets that <paramref name="sku"/> was stocked by hand, freeing its place under the cap; nothing when it is not
    /// recorded. Only for the caller whose <see cref="ClaimSkuAsync"/> recorded it and whose stocking was then refused
    /// with nothing stocked: the code may then be issued to a new variant again.
    /// </summary>
    [RequiresPermission(StorePermission.StockWrite), Alias("ReleaseSkuClaim")]
    Task ReleaseSkuClaimAsync(string sku);

    /// <summary>
    /// Applies a whole import in one step: every product is validated first and, if any fails, nothing changes and
    /// the errors (with row numbers) are answered; otherwise everything is stored at once.
    /// </summary>
    [RequiresPermission(StorePermission.CatalogWrite), Alias("Import")]
    [ResponseTimeout(ImportTimeout)]
    Task<CatalogImportResult> ImportAsync(IReadOnlyList<ProductImport> products);

    /// <summary>
    /// What <see cref="ImportAsync"/> would answer for <paramref name="products"/> against the catalog as stored, with the
    /// same checks; changes nothing. A read: it answers while a change is under way rather than after it.
    /// </summary>
    [RetrySafe]
    [RequiresPermission(StorePermission.CatalogWrite), ReadOnly, AlwaysInterleave, Alias("CheckImport")]
    [ResponseTimeout(ImportTimeout)]
    Task<CatalogImportResult> CheckImportAsync(IReadOnlyList<ProductImport> products);
}
