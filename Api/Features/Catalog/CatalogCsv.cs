using System.Buffers;
using System.Globalization;
using MultiStore.Grains.Catalog;
using MultiStore.Grains.Interfaces.Catalog;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Api.Features.Catalog;

/// <summary>
/// The catalog's CSV format, shared by import and export. One row is one variant (optionally in one zone):
/// <c>handle,name,category,price,status,attributes,sku,zone,on_hand,safety_stock,on_hand_basis,safety_stock_basis</c>. Product fields may
/// be left empty on a product's later rows; attributes read <c>color=Black;size=250ml</c>; <c>sku</c> is issued by the
/// store (empty for a new variant, or the SKU already issued for it); <c>zone</c>/<c>on_hand</c> set an absolute stock
/// count, unless <c>on_hand_basis</c> gives the on-hand the count was made against (the export writes the on-hand it
/// read): then the count applies only where stock has not moved since (see <see cref="OnHandBasis"/>), and likewise
/// <c>safety_stock</c> with <c>safety_stock_basis</c>.
/// The store is never a column: it is the one the request's host belongs to. Free-text cells (name, category,
/// attributes) that would start with a formula character are written after a <c>'</c> (see <see cref="EscapeText"/>).
/// </summary>
public static class CatalogCsv
{
    public const string Handle = "handle";
    public const string Name = "name";
    public const string Category = "category";
    public const string Price = "price";
    public const string Status = "status";
    public const string Attributes = "attributes";
    public const string Sku = "sku";
    public const string Zone = "zone";
    public const string OnHand = "on_hand";
    public const string SafetyStock = "safety_stock";

    /// <summary>
    /// The on-hand the row's <c>on_hand</c> was counted against: the export writes the on-hand it read in both cells.
    /// Importing the row then leaves alone an entry whose units moved since (a sale between the export and the import),
    /// when <c>on_hand</c> was not edited, and refuses the count when it was; see
    /// <see cref="Grains.Interfaces.Stock.StockAdjustment.OnHandBasis"/>. Last in the format, and optional: a file
    /// without it (a hand-made one, or an export from before it) sets absolute counts.
    /// </summary>
    public const string OnHandBasis = "on_hand_basis";

    /// <summary>
    /// The safety stock the row's <c>safety_stock</c> was read against, as <see cref="OnHandBasis"/> is for on-hand: the
    /// export writes the safety stock it read in both cells, so an old export imported again keeps a safety stock an
    /// admin changed since (unedited cell) or refuses the row (edited cell); see
    /// <see cref="Grains.Interfaces.Stock.StockAdjustment.SafetyStockBasis"/>. Optional: without it, safety stock is set
    /// as given.
    /// </summary>
    public const string SafetyStockBasis = "safety_stock_basis";

    public const string ContentType = "text/csv";

    /// <summary>Every column, in the order export writes them.</summary>
    public static IReadOnlyList<string> Columns { get; } = [Handle, Name, Category, Price, Status, Attributes, Sku, Zone, OnHand, SafetyStock, OnHandBasis, SafetyStockBasis];

    /// <summary>Columns that would name a store: refused outright, since the store comes from the request only.</summary>
    public static IReadOnlySet<string> StoreColumns { get; } = new HashSet<string>(
        ["store", "store_id", "storeid", "tenant", "tenant_id", "tenantid", "shop", "shop_id", "merchant", "domain", "host"], StringComparer.Ordinal);

    /// <summary>
    /// What makes a spreadsheet read a cell as a formula (OWASP's CSV injection list: <c>= + - @</c>, tab, carriage
    /// return), and <c>'</c> itself, so that the escape can be undone exactly.
    /// </summary>
    private static readonly SearchValues<char> EscapedStarts = SearchValues.Create("=+-@\t\r'");

    /// <summary>
    /// A free-text cell as exported: one that starts with a formula character, or with <c>'</c>, gets a leading
    /// <c>'</c>, which a spreadsheet shows as text and <see cref="UnescapeText"/> takes off again. A product named
    /// <c>=HYPERLINK(…)</c> then reads as its name in the owner's spreadsheet instead of running.
    /// </summary>
    public static string EscapeText(string text) => text.Length > 0 && EscapedStarts.Contains(text[0]) ? "'" + text : text;

    /// <summary>A free-text cell as imported: exactly one leading <c>'</c> taken off (none when blank after it).</summary>
    public static string? UnescapeText(string? cell) =>
        cell is ['\'', .. var rest] ? (string.IsNullOrWhiteSpace(rest) ? null : rest) : cell;

    /// <summary>One parsed data row (row numbers count the header as row 1, as a spreadsheet shows them).</summary>
    public sealed record Row(
        int Number,
        string Handle,
        string? Name,
        string? Category,
        decimal? Price,
        ProductStatus? Status,
        IReadOnlyDictionary<string, string> Attributes,
        string? Sku,
        string? Zone,
        int? OnHand,
        int? SafetyStock,
        int? OnHandBasis,
        int? SafetyStockBasis = null);

    /// <summary>
    /// Parses the fields of one data row by header position; adds an error per bad field. A price is checked for range
    /// and digits here; its decimals in <paramref name="currency"/>, the store's, by the catalog, which lets a product's
    /// stored price come back unchanged (one stored before the currency rule, as the export wrote it).
    /// </summary>
    public static Row? Parse(int number, IReadOnlyDictionary<string, int> header, string[] fields, string currency, List<ImportError> errors)
    {
        string? Field(string column) =>
            header.TryGetValue(column, out var index) && index < fields.Length && !string.IsNullOrWhiteSpace(fields[index]) ? fields[index].Trim() : null;

        var before = errors.Count;
        void Error(string column, string message) => errors.Add(new ImportError(number, column, message));

        var handle = Field(Handle);
        if (handle is null || !CatalogRules.IsHandle(handle))
        {
            Error(Handle, handle is null ? "A handle is required on every row." : $"'{handle}' is not a handle: use a-z, 0-9 and '-'.");
        }

        decimal? price = null;
        if (Field(Price) is { } priceText)
        {
            if (!decimal.TryParse(priceText, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var parsed))
            {
                Error(Price, $"'{priceText}' is not a price: use digits with a '.' for decimals, up to {CatalogRules.MaxPrice}.");
            }
            else if (!CatalogRules.IsAmount(parsed))
            {
                Error(Price, $"'{priceText}' is not a price in {currency}: {CatalogRules.PriceRule(parsed, currency)}");
            }
            else
            {
                price = parsed;
            }
        }

        ProductStatus? status = Field(Status) switch
        {
            null => null,
            "active" => ProductStatus.Active,
            "archived" => ProductStatus.Archived,
            var other => Invalid<ProductStatus?>(() => Error(Status, $"'{other}' is not a status: use active or archived.")),
        };

        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        if (UnescapeText(Field(Attributes)) is { } attributeText)
        {
            foreach (var pair in attributeText.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var equals = pair.IndexOf('=');
                if (equals <= 0 || !attributes.TryAdd(pair[..equals].Trim().ToLowerInvariant(), pair[(equals + 1)..].Trim()))
                {
                    Error(Attributes, $"'{attributeText}' is not a list of name=value pairs separated by ';' (each name once).");
                    break;
                }
            }
        }

        var sku = Field(Sku);
        if (sku is not null && !IdRules.IsSku(sku))
        {
            Error(Sku, $"'{sku}' is not a SKU.");
        }

        var zone = Field(Zone);
        if (zone is not null && !IdRules.IsZone(zone))
        {
            Error(Zone, $"'{zone}' is not a zone id: use a-z, 0-9 and '-'.");
        }

        var onHand = Count(Field(OnHand), OnHand, Error);
        var safety = Count(Field(SafetyStock), SafetyStock, Error);
        if (safety is not null && onHand is null)
        {
            Error(SafetyStock, "safety_stock needs on_hand on the same row.");
        }

        var basis = Count(Field(OnHandBasis), OnHandBasis, Error);
        if (basis is not null && onHand is null)
        {
            Error(OnHandBasis, "on_hand_basis needs on_hand on the same row.");
        }

        var safetyBasis = Count(Field(SafetyStockBasis), SafetyStockBasis, Error);
        if (safetyBasis is not null && safety is null)
        {
            Error(SafetyStockBasis, "safety_stock_basis needs safety_stock on the same row.");
        }

        return errors.Count == before
            ? new Row(number, handle!, UnescapeText(Field(Name)), UnescapeText(Field(Category)), price, status, attributes, sku, zone, onHand, safety, basis, safetyBasis)
            : null;
    }

    /// <summary>
    /// Formats one export row in <see cref="Columns"/> order; the on-hand and safety stock read are written as the values
    /// and as their bases, so the row imported again never sets a number that sales or an admin have moved since.
    /// </summary>
    public static string[] Format(Product product, Variant variant, string? zone, int? onHand, int? safetyStock) =>
    [
        product.Handle,
        EscapeText(product.Name),
        EscapeText(product.Category),
        CurrencyMinorUnits.Format(product.Price, product.Currency),
        ProductResponse.StatusName(product.Status),
        EscapeText(string.Join(';', variant.Attributes.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key}={pair.Value}"))),
        variant.Sku,
        zone ?? string.Empty,
        onHand?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
        safetyStock?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
        onHand?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
        safetyStock?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
    ];

    private static int? Count(string? text, string column, Action<string, string> error)
    {
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= IdRules.MaxOnHand)
        {
            return value;
        }

        error(column, $"'{text}' is not a count: use a whole number from 0 to {IdRules.MaxOnHand}.");
        return null;
    }

    private static T Invalid<T>(Action report)
    {
        report();
        return default!;
    }
}
