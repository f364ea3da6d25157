using MultiStore.Grains.Interfaces.Catalog;

namespace MultiStore.Grains.Catalog;

/// <summary>What a store's catalog persists.</summary>
[GenerateSerializer, Alias("multistore.CatalogState")]
public sealed class CatalogState
{
    /// <summary>Null until set or until the first SKU is issued (then the store's default prefix is fixed here).</summary>
    [Id(0)] public string? SkuPrefix { get; set; }

    [Id(1)] public string Currency { get; set; } = CatalogRules.DefaultCurrency;

    /// <summary>The last product number issued; numbers are never reused.</summary>
    [Id(2)] public int LastProductNumber { get; set; }

    /// <summary>Category code by category key (trimmed, lower-case name); a code, once issued, keeps its category.</summary>
    [Id(3)] public Dictionary<string, string> CategoryCodes { get; set; } = [];

    /// <summary>Products by handle.</summary>
    [Id(4)] public Dictionary<string, Product> Products { get; set; } = [];

    /// <summary>Handles in creation order: the order of listings and exports.</summary>
    [Id(5)] public List<string> Order { get; set; } = [];

    /// <summary>Every SKU ever issued, with the handle of its product: the store-wide uniqueness index.</summary>
    [Id(6)] public Dictionary<string, string> Skus { get; set; } = [];

    /// <summary>
    /// Codes of the issued form (<see cref="SkuCodes.CouldBeIssued"/>) that an admin stocked before the catalog issued
    /// them, in the issuer's upper case whatever case they were stocked in: never issued, so a new variant does not
    /// take over stock that is not its own. At most
    /// <see cref="CatalogRules.MaxStockedOutside"/>.
    /// </summary>
    [Id(7)] public HashSet<string> StockedOutside { get; set; } = new(StringComparer.Ordinal);

    // Not persisted (CategoryCodes is the record): built on first use in each copy, then kept for that change.
    [NonSerialized]
    private CategoryCodeIssuer? _categoryCodeIssuer;

    /// <summary>
    /// A code for a new category from <paramref name="stem"/>, unique among <see cref="CategoryCodes"/>; the caller
    /// records it there. The codes in use are gathered once per copy, so an import of thousands of categories does it once.
    /// </summary>
    public string IssueCategoryCode(string stem) => (_categoryCodeIssuer ??= new CategoryCodeIssuer(CategoryCodes.Values)).Issue(stem);

    /// <summary>A copy whose collections can be changed without touching this one (products are immutable records).</summary>
    public CatalogState Copy() => new()
    {
        SkuPrefix = SkuPrefix,
        Currency = Currency,
        LastProductNumber = LastProductNumber,
        CategoryCodes = new Dictionary<string, string>(CategoryCodes),
        Products = new Dictionary<string, Product>(Products),
        Order = [.. Order],
        Skus = new Dictionary<string, string>(Skus),
        StockedOutside = new HashSet<string>(StockedOutside, StringComparer.Ordinal),
    };

    /// <summary>Whether <paramref name="sku"/> may not be issued: issued already, or stocked by hand before.</summary>
    public bool IsSkuTaken(string sku) => Skus.ContainsKey(sku) || StockedOutside.Contains(sku);
}
