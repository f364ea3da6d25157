using System.Text;
using Microsoft.Extensions.Logging;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Catalog;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Catalog;

/// <summary>
/// A store's catalog. Every change is worked out on a copy of the published catalog and is published only once it was
/// written, so a refused request or a failed write leaves nothing half-done; an import is one such change. Changes run
/// one at a time, while reads (<c>[AlwaysInterleave]</c> on the contract) answer from the published catalog in between:
/// shoppers' carts and product pages never wait behind a change being worked out or written, such as a big import.
/// </summary>
public sealed class CatalogGrain(
    [PersistentState("catalog", StorageNames.Store)] IPersistentState<CatalogState> catalog,
    TimeProvider time,
    ILogger<CatalogGrain> logger) : Grain, ICatalogGrain
{
    private TenantId _tenant;

    /// <summary>
    /// The catalog as storage holds it: what reads answer and changes start from. Never changed in place, only replaced
    /// by a change once written, so a read that runs while a change is written, or an import planned off the grain's
    /// thread, sees one whole durable catalog. (<c>catalog.State</c> is the one being written.)
    /// </summary>
    private CatalogState _published = null!;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _tenant = TenantKey.Parse(this.GetPrimaryKeyString()).Tenant;
        _published = catalog.State;
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<CatalogSettings> GetSettingsAsync() => Task.FromResult(Settings(_published));

    /// <inheritdoc />
    public async Task<CatalogSettings> ConfigureAsync(string? skuPrefix, string? currency)
    {
        var next = _published.Copy();
        if (skuPrefix is not null && skuPrefix != Settings(next).SkuPrefix)
        {
            if (!SkuCodes.IsPrefix(skuPrefix))
            {
                throw CatalogRules.Invalid($"'{skuPrefix}' is not a SKU prefix: use 2-{SkuCodes.MaxPrefixLength} of A-Z and 0-9, starting with a letter.");
            }

            if (next.Skus.Count > 0)
            {
                throw new StoreRuleException(RuleCodes.CatalogLocked, "The SKU prefix is fixed once SKUs were issued.");
            }

            next.SkuPrefix = skuPrefix;
        }

        if (currency is not null && currency != next.Currency)
        {
            if (!CatalogRules.IsCurrency(currency))
            {
                throw CatalogRules.Invalid($"'{currency}' is not an ISO 4217 currency code such as EUR.");
            }

            if (next.Products.Count > 0)
            {
                throw new StoreRuleException(RuleCodes.CatalogLocked, "The currency is fixed once products exist.");
            }

            next.Currency = currency;
        }

        await CommitAsync(next);
        return Settings(next);
    }

    /// <inheritdoc />
    public async Task<Product> CreateProductAsync(ProductDraft draft)
    {
        var next = _published.Copy();
        var product = Create(next, draft);
        await CommitAsync(next);
        logger.LogInformation("Product {Handle} ({Code}) created in {Tenant} by {Actor}", product.Handle, product.Code, _tenant, TenantContext.Actor);
        return product;
    }

    /// <inheritdoc />
    public async Task<Product> UpdateProductAsync(string handle, ProductChange change)
    {
        var next = _published.Copy();
        var product = Update(next, Require(next, handle), change);
        await CommitAsync(next);
        return product;
    }

    /// <inheritdoc />
    public async Task<Product> AddVariantAsync(string handle, IReadOnlyDictionary<string, string> attributes)
    {
        var next = _published.Copy();
        var product = Require(next, handle);
        var normalized = CatalogRules.Attributes(attributes);
        if (product.Variants.Any(variant => CatalogRules.SameVariant(variant.Attributes, normalized)))
        {
            return product;
        }

        var updated = AddVariants(next, product, [normalized]);
        await CommitAsync(next);
        return updated;
    }

    /// <inheritdoc />
    public Task<Product?> GetProductAsync(string handle) =>
        Task.FromResult(_published.Products.GetValueOrDefault(handle));

    /// <inheritdoc />
    public Task<ProductPage> ListAsync(ProductQuery query)
    {
        var state = _published;
        var category = query.Category?.Trim().Normalize(NormalizationForm.FormC);
        bool Matches(Product product) =>
            (query.Status is null || product.Status == query.Status)
            && (string.IsNullOrEmpty(category) || string.Equals(product.Category, category, StringComparison.OrdinalIgnoreCase));

        var total = state.Order.Count(handle => Matches(state.Products[handle]));
        var take = Math.Clamp(query.Take, 0, 1000);
        if (query.After is not { } after)
        {
            var skip = Math.Max(0, query.Skip);
            return Task.FromResult(new ProductPage([.. state.Order.Select(handle => state.Products[handle]).Where(Matches).Skip(skip).Take(take)], total));
        }

        var items = new List<Product>();
        var position = Math.Max(0, after);
        for (; position < state.Order.Count && items.Count < take; position++)
        {
            var product = state.Products[state.Order[position]];
            if (Matches(product))
            {
                items.Add(product);
            }
        }

        // A page after which only hidden products follow (archived, another category) is the last: a cursor to the
        // empty page beyond it would offer the shopper more products that are not there.
        var more = state.Order.Skip(position).Any(handle => Matches(state.Products[handle]));
        return Task.FromResult(new ProductPage(items, total, more ? position : null));
    }

    /// <inheritdoc />
    public Task<string?> FindSkuSpellingAsync(string sku)
    {
        // A scan, not a second index: only an admin's stock count asks, and only for a SKU the catalog lacks as typed.
        var skus = _published.Skus;
        var issued = skus.ContainsKey(sku) ? sku : skus.Keys.FirstOrDefault(known => string.Equals(known, sku, StringComparison.OrdinalIgnoreCase));
        return Task.FromResult(issued);
    }

    /// <inheritdoc />
    public async Task<string?> ClaimSkuForStockAsync(string sku) => (await ClaimSkuAsync(sku)).IssuedAs;

    /// <inheritdoc />
    public async Task<SkuClaim> ClaimSkuAsync(string sku)
    {
        IdRules.EnsureSku(sku);
        if (await FindSkuSpellingAsync(sku) is { } issued)
        {
            return new SkuClaim(issued, RecordedNow: false);
        }

        // Only a code the issuer could produce can collide with a later variant; any other spelling needs no record. A
        // code in other letter case collides too (once issued, the stock refuses every other spelling of it), so it is
        // recorded as the issuer would write it.
        var code = SkuCodes.IssuedSpelling(sku);
        if (!SkuCodes.CouldBeIssued(code) || _published.StockedOutside.Contains(code))
        {
            return new SkuClaim(null, RecordedNow: false);
        }

        if (_published.StockedOutside.Count >= CatalogRules.MaxStockedOutside)
        {
            throw new StoreRuleException(
                RuleCodes.InvalidId,
                $"A store may stock at most {CatalogRules.MaxStockedOutside} SKUs of the catalog's own form that the catalog did not issue; stock '{sku}' under a code of another form.");
        }

        var next = _published.Copy();
        next.StockedOutside.Add(code);
        await CommitAsync(next);
        return new SkuClaim(null, RecordedNow: true);
    }

    /// <inheritdoc />
    public async Task ReleaseSkuClaimAsync(string sku)
    {
        IdRules.EnsureSku(sku);
        var code = SkuCodes.IssuedSpelling(sku);
        if (!_published.StockedOutside.Contains(code))
        {
            return;
        }

        var next = _published.Copy();
        next.StockedOutside.Remove(code);
        await CommitAsync(next);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SkuInfo>> FindSkusAsync(IReadOnlyList<string> skus)
    {
        var state = _published;
        var found = new List<SkuInfo>();
        foreach (var sku in skus.Distinct(StringComparer.Ordinal))
        {
            if (state.Skus.TryGetValue(sku, out var handle) && state.Products.TryGetValue(handle, out var product))
            {
                found.Add(new SkuInfo(sku, handle, product.Price, product.Currency, product.Status));
            }
        }

        return Task.FromResult<IReadOnlyList<SkuInfo>>(found);
    }

    /// <inheritdoc />
    public async Task<CatalogImportResult> ImportAsync(IReadOnlyList<ProductImport> products)
    {
        // Working out a big import is most of its time (about 2 s of CPU for 50,000 rows, its write a fifth of that):
        // off the grain's thread, so reads keep answering meanwhile. The next change waits all the same.
        var published = _published;
        var (next, result) = await Task.Run(() => PlanImport(published, products));
        if (result.Errors.Count > 0)
        {
            return result;
        }

        await CommitAsync(next);
        logger.LogInformation(
            "Catalog import in {Tenant} by {Actor}: {Created} products created, {Updated} updated, {Variants} variants created",
            _tenant, TenantContext.Actor, result.ProductsCreated, result.ProductsUpdated, result.VariantsCreated);
        return result;
    }

    /// <inheritdoc />
    public async Task<CatalogImportResult> CheckImportAsync(IReadOnlyList<ProductImport> products)
    {
        var published = _published;
        return (await Task.Run(() => PlanImport(published, products))).Result;
    }

    /// <summary>
    /// The catalog an import would make of <paramref name="published"/>, on a copy, and what it would answer: the same
    /// checks for a dry run as for the import itself, so a file that passes the one passes the other. Touches no field
    /// that changes, so it may run off the grain's thread.
    /// </summary>
    private (CatalogState Next, CatalogImportResult Result) PlanImport(CatalogState published, IReadOnlyList<ProductImport> products)
    {
        var next = published.Copy();
        var errors = new List<ImportError>();
        var skuByRow = new Dictionary<int, string>();
        int created = 0, updated = 0, variantsCreated = 0;

        foreach (var import in products)
        {
            try
            {
                var before = next.Products.GetValueOrDefault(import.Handle);
                var product = Apply(next, import, skuByRow, errors);
                if (product is null)
                {
                    continue;
                }

                created += before is null ? 1 : 0;
                updated += before is not null && before != product ? 1 : 0;
                variantsCreated += product.Variants.Count - (before?.Variants.Count ?? 0);
            }
            catch (StoreRuleException refusal)
            {
                errors.Add(new ImportError(import.Row, null, refusal.Message));
            }
        }

        return errors.Count > 0
            ? (next, new CatalogImportResult([.. errors.OrderBy(error => error.Row)], 0, 0, 0, new Dictionary<int, string>()))
            : (next, new CatalogImportResult([], created, updated, variantsCreated, skuByRow));
    }

    /// <summary>
    /// One imported product onto <paramref name="next"/>, each of its rows' SKU into <paramref name="skuByRow"/>; null
    /// (with errors added) when a variant row is wrong.
    /// </summary>
    private Product? Apply(CatalogState next, ProductImport import, Dictionary<int, string> skuByRow, List<ImportError> errors)
    {
        CatalogRules.EnsureHandle(import.Handle);
        var variants = new List<Dictionary<string, string>>();
        var failed = false;
        foreach (var variant in import.Variants)
        {
            try
            {
                variants.Add(CatalogRules.Attributes(variant.Attributes));
            }
            catch (StoreRuleException refusal)
            {
                errors.Add(new ImportError(variant.Row, "attributes", refusal.Message));
                failed = true;
            }
        }

        if (failed)
        {
            return null;
        }

        // Named by its column, as the Api's own check of the cell does; Create and Update would refuse it too, without one.
        var product = next.Products.GetValueOrDefault(import.Handle);
        if (import.Price is { } price && !CatalogRules.IsPriceChange(price, product?.Price, next.Currency))
        {
            errors.Add(new ImportError(import.Row, "price", CatalogRules.PriceRule(price, next.Currency)));
            return null;
        }

        if (product is null)
        {
            var missing = new[] { ("name", import.Name), ("category", import.Category) }.Where(field => string.IsNullOrWhiteSpace(field.Item2)).Select(field => field.Item1).ToList();
            if (import.Price is null)
            {
                missing.Add("price");
            }

            if (missing.Count > 0)
            {
                errors.Add(new ImportError(import.Row, missing[0], $"A new product needs {string.Join(", ", missing)}."));
                return null;
            }

            product = Create(next, new ProductDraft(import.Handle, import.Name!, import.Category!, import.Price!.Value, NewVariants([], variants), null, import.Status ?? ProductStatus.Active));
        }
        else
        {
            product = Update(next, product, new ProductChange(import.Name, import.Category, import.Price, null, import.Status));
            var fresh = NewVariants(product.Variants, variants);
            if (fresh.Count > 0)
            {
                product = AddVariants(next, product, fresh);
            }
        }

        var skus = SkusByVariant(product);
        foreach (var variant in import.Variants)
        {
            var issued = skus[CatalogRules.VariantKey(variant.Attributes)];
            skuByRow[variant.Row] = issued;
            if (variant.Sku is not null && issued != variant.Sku)
            {
                errors.Add(new ImportError(variant.Row, "sku", MismatchedSku(next, variant.Sku, issued)));
                failed = true;
            }
        }

        return failed ? null : product;
    }

    /// <summary>Why a row's SKU is not its variant's <paramref name="issued"/> one, in the words that help fix the row.</summary>
    private static string MismatchedSku(CatalogState next, string sku, string issued) =>
        string.Equals(sku, issued, StringComparison.OrdinalIgnoreCase)
            // A spreadsheet that changed the letter case: the same variant, whose stock is kept under one spelling.
            ? $"SKU {sku} is this variant's, issued as {issued}; write it as issued (letter case included), or leave the column empty."
            : next.Skus.ContainsKey(sku)
                ? $"SKU {sku} belongs to another variant or product; SKUs are issued by the store and never change."
                : $"SKU {sku} was not issued by this store; leave the column empty to have one issued.";

    private Product Create(CatalogState next, ProductDraft draft)
    {
        CatalogRules.EnsureHandle(draft.Handle);
        if (next.Products.ContainsKey(draft.Handle))
        {
            throw new StoreRuleException(RuleCodes.ProductExists, $"A product with handle '{draft.Handle}' already exists.");
        }

        var name = CatalogRules.Name(draft.Name);
        var category = CatalogRules.Category(draft.Category);
        var price = CatalogRules.Price(draft.Price, next.Currency);
        var description = CatalogRules.Description(draft.Description);
        var variants = NewVariants([], (draft.Variants ?? []).Select(CatalogRules.Attributes));

        next.SkuPrefix ??= SkuCodes.DefaultPrefix(_tenant);
        var number = ++next.LastProductNumber;
        var code = SkuCodes.ProductCode(next.SkuPrefix, CategoryCode(next, category), number);
        var now = time.GetUtcNow();
        var product = new Product(draft.Handle, code, name, category, price, next.Currency, draft.Status, [], description, now, now);
        next.Order.Add(draft.Handle);
        return AddVariants(next, product, variants.Count == 0 ? [[]] : variants);
    }

    private Product Update(CatalogState next, Product product, ProductChange change)
    {
        var updated = product with
        {
            Name = change.Name is null ? product.Name : CatalogRules.Name(change.Name),
            // The category's name changes; the SKUs already issued keep the code they were issued with.
            Category = change.Category is null ? product.Category : CatalogRules.Category(change.Category),
            Price = change.Price is { } price ? CatalogRules.PriceChange(price, product.Price, product.Currency) : product.Price,
            Description = change.Description is null ? product.Description : CatalogRules.Description(change.Description),
            Status = change.Status ?? product.Status,
        };

        if (updated == product)
        {
            return product;
        }

        if (change.Category is not null)
        {
            // Registers a code for a new category name so later products in it get one consistently.
            CategoryCode(next, updated.Category);
        }

        updated = updated with { UpdatedAt = time.GetUtcNow() };
        next.Products[product.Handle] = updated;
        return updated;
    }

    /// <summary>
    /// Issues SKUs for <paramref name="attributeSets"/>. A product that so far has only its plain variant (no
    /// attributes) keeps it: its SKU stays issued, and the new variants are added beside it.
    /// </summary>
    private Product AddVariants(CatalogState next, Product product, IReadOnlyList<Dictionary<string, string>> attributeSets)
    {
        if (product.Variants.Count + attributeSets.Count > CatalogRules.MaxVariants)
        {
            throw CatalogRules.Invalid(CatalogRules.MaxVariantsRule);
        }

        var variants = product.Variants.ToList();
        foreach (var attributes in attributeSets)
        {
            var sku = UniqueSku(next, SkuCodes.VariantSku(product.Code, attributes));
            next.Skus[sku] = product.Handle;
            variants.Add(new Variant(sku, attributes));
        }

        var updated = product with { Variants = variants, UpdatedAt = time.GetUtcNow() };
        next.Products[product.Handle] = updated;
        return updated;
    }

    /// <summary>
    /// The attribute sets that name variants <paramref name="existing"/> lacks, each once (first occurrence kept);
    /// refused as soon as the product would pass <see cref="CatalogRules.MaxVariants"/>, however long the list.
    /// </summary>
    private static List<Dictionary<string, string>> NewVariants(IReadOnlyList<Variant> existing, IEnumerable<Dictionary<string, string>> attributeSets)
    {
        var seen = existing.Select(variant => CatalogRules.VariantKey(variant.Attributes)).ToHashSet(StringComparer.Ordinal);
        var fresh = new List<Dictionary<string, string>>();
        foreach (var attributes in attributeSets)
        {
            if (seen.Add(CatalogRules.VariantKey(attributes)))
            {
                if (existing.Count + fresh.Count >= CatalogRules.MaxVariants)
                {
                    throw CatalogRules.Invalid(CatalogRules.MaxVariantsRule);
                }

                fresh.Add(attributes);
            }
        }

        return fresh;
    }

    /// <summary>Each variant's SKU by its <see cref="CatalogRules.VariantKey"/>.</summary>
    private static Dictionary<string, string> SkusByVariant(Product product)
    {
        var skus = new Dictionary<string, string>(product.Variants.Count, StringComparer.Ordinal);
        foreach (var variant in product.Variants)
        {
            skus.TryAdd(CatalogRules.VariantKey(variant.Attributes), variant.Sku);
        }

        return skus;
    }

    private static string UniqueSku(CatalogState next, string candidate)
    {
        var sku = candidate;
        for (var suffix = 2; next.IsSkuTaken(sku); suffix++)
        {
            sku = $"{candidate}-{suffix}";
        }

        IdRules.EnsureSku(sku);
        return sku;
    }

    private static string CategoryCode(CatalogState next, string category)
    {
        var key = category.ToLowerInvariant();
        if (next.CategoryCodes.TryGetValue(key, out var code))
        {
            return code;
        }

        if (next.CategoryCodes.Count >= CatalogRules.MaxCategories)
        {
            throw CatalogRules.Invalid(
                $"A store has at most {CatalogRules.MaxCategories} categories (every name it ever used counts); choose one it has.");
        }

        code = next.IssueCategoryCode(SkuCodes.CategoryCode(category));
        next.CategoryCodes[key] = code;
        return code;
    }

    private static Product Require(CatalogState state, string handle) =>
        state.Products.GetValueOrDefault(handle) ?? throw new StoreRuleException(RuleCodes.NotFound, $"No product '{handle}'.");

    private CatalogSettings Settings(CatalogState state) => new(state.SkuPrefix ?? SkuCodes.DefaultPrefix(_tenant), state.Currency);

    /// <summary>Writes <paramref name="next"/> and publishes it once it is stored; reads answer the previous catalog until then.</summary>
    private async Task CommitAsync(CatalogState next)
    {
        catalog.State = next;
        try
        {
            await catalog.WriteStateAsync();
        }
        catch
        {
            // Storage may or may not hold the write: nothing is published, the state to write goes back to what storage
            // surely held, and the failure filter (DeactivateOnFailureCallFilter) ends the activation, so the next call
            // starts again from storage.
            catalog.State = _published;
            throw;
        }

        _published = next;
    }
}
