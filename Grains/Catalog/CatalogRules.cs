using System.Text;
using System.Text.RegularExpressions;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Grains.Catalog;

/// <summary>What catalog input may look like; each refusal is an <c>invalid-product</c> rule with a plain message.</summary>
public static partial class CatalogRules
{
    public const string DefaultCurrency = "EUR";
    public const int MaxHandleLength = 64;
    public const int MaxNameLength = 200;
    public const int MaxCategoryLength = 60;
    public const int MaxDescriptionLength = 2000;
    public const int MaxVariants = 100;

    /// <summary>Most category names a store may have used: each keeps its code for good, renamed or not.</summary>
    public const int MaxCategories = 10_000;

    /// <summary>
    /// Most codes of the catalog's own form a store may stock without the catalog having issued them (see
    /// <see cref="CatalogState.StockedOutside"/>): each is kept in the catalog's state for good.
    /// </summary>
    public const int MaxStockedOutside = 1_000;
    public const int MaxAttributeNameLength = 32;
    public const int MaxAttributeValueLength = 40;
    public const decimal MaxPrice = 1_000_000m;

    /// <summary>
    /// Most decimals a price may be written with: past its currency's minor unit (<see cref="CurrencyMinorUnits"/>)
    /// they must be zeros (<c>19.9900</c>, as accounting systems write amounts). A number with more digits than a decimal holds (28) arrives already rounded
    /// (<c>9.99…9</c> with thirty nines is <c>10.00…0</c>), so a long tail is refused rather than taken as another price.
    /// </summary>
    public const int MaxPriceDecimals = 4;

    public static bool IsHandle(string? handle) => handle is not null && HandlePattern().IsMatch(handle);

    public static bool IsCurrency(string? currency) => currency is not null && CurrencyPattern().IsMatch(currency);

    /// <summary>
    /// A number that may be a price in some currency: in range and written with at most <see cref="MaxPriceDecimals"/>.
    /// Checked where the store's currency is not known yet (request validators); <see cref="IsPrice"/> decides.
    /// </summary>
    public static bool IsAmount(decimal price) => price is >= 0 and <= MaxPrice && price.Scale <= MaxPriceDecimals;

    /// <summary>A price of a store selling in <paramref name="currency"/>: at most the currency's decimals (none in JPY, three in KWD).</summary>
    public static bool IsPrice(decimal price, string currency) => IsAmount(price) && CurrencyMinorUnits.Allows(price, currency);

    /// <summary>Why <paramref name="price"/> is refused in <paramref name="currency"/>, in words an admin can act on.</summary>
    public static string PriceRule(decimal price, string currency) =>
        $"{CurrencyMinorUnits.Rule(currency)} A price is between 0 and {MaxPrice}: {price.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not one.";

    public static void EnsureHandle(string handle)
    {
        if (!IsHandle(handle))
        {
            throw Invalid($"'{handle}' is not a product handle: use 1-{MaxHandleLength} of a-z, 0-9 and '-'.");
        }
    }

    public static string Name(string? name) => Text(name, MaxNameLength, "A product name");

    public static string Category(string? category) => Text(category, MaxCategoryLength, "A category");

    /// <summary>A description, or null for none (blank text counts as none).</summary>
    public static string? Description(string? description) =>
        string.IsNullOrWhiteSpace(description) ? null
        : IsDescription(description) ? description
        : throw Invalid(DescriptionRule);

    public static readonly string MaxVariantsRule = $"A product has at most {MaxVariants} variants.";

    public static readonly string DescriptionRule =
        $"A description has at most {MaxDescriptionLength} characters; line breaks and tabs are its only control characters.";

    /// <summary>Free text that may run over lines: unlike names, line breaks and tabs are kept, the rest of <see cref="PlainText"/> holds.</summary>
    public static bool IsDescription(string? description) =>
        description is null || (description.Length <= MaxDescriptionLength && PlainText.IsPlain(description, allowLineBreaks: true));

    /// <summary>
    /// <paramref name="price"/> as stored: written with at most its currency's decimals, so that zeros it was sent with
    /// past them (<c>1234.0000</c> yen) do not reach product pages, order lines and totals. Rounding drops only zeros here.
    /// </summary>
    public static decimal Price(decimal price, string currency) =>
        IsPrice(price, currency)
            ? decimal.Round(price, CurrencyMinorUnits.Of(currency))
            : throw new StoreRuleException(RuleCodes.InvalidPrice, PriceRule(price, currency));

    /// <summary>
    /// True when <paramref name="price"/> may replace <paramref name="stored"/> (null for a new product): a new or
    /// changed price follows <see cref="IsPrice"/>, an unchanged one passes as it is, so a price stored before the
    /// currency rule (1234.56 yen) can be sent back as exported without being refused.
    /// </summary>
    public static bool IsPriceChange(decimal price, decimal? stored, string currency) => price == stored || IsPrice(price, currency);

    /// <summary>The price to store in place of <paramref name="stored"/>: the stored one when unchanged, else <see cref="Price"/>'s.</summary>
    public static decimal PriceChange(decimal price, decimal stored, string currency) => price == stored ? stored : Price(price, currency);

    /// <summary>Attribute names lower-cased and values trimmed (and in NFC); at most <see cref="SkuCodes.MaxAttributes"/>.</summary>
    public static Dictionary<string, string> Attributes(IReadOnlyDictionary<string, string>? attributes)
    {
        var normalized = new Dictionary<string, string>(StringComparer.Ordinal);
        if (attributes is null)
        {
            return normalized;
        }

        if (attributes.Count > SkuCodes.MaxAttributes)
        {
            throw Invalid($"A variant has at most {SkuCodes.MaxAttributes} attributes.");
        }

        foreach (var (rawName, rawValue) in attributes)
        {
            var name = rawName?.Trim().ToLowerInvariant() ?? string.Empty;
            if (!AttributeNamePattern().IsMatch(name))
            {
                throw Invalid($"'{rawName}' is not an attribute name: use 1-{MaxAttributeNameLength} of a-z, 0-9, '_' and '-', starting with a letter.");
            }

            // One form of each accented letter (NFC): "Café" typed composed or decomposed is one value, one variant.
            // No ';': it separates the pairs of the catalog's CSV, whose export must import again unchanged.
            // Checked before it is normalized: normalizing half a character throws.
            var value = rawValue?.Trim() ?? string.Empty;
            value = PlainText.IsPlain(value) ? value.Normalize(NormalizationForm.FormC) : string.Empty;
            if (value.Length is 0 or > MaxAttributeValueLength || !value.Any(char.IsLetterOrDigit) || value.Contains(';'))
            {
                throw Invalid($"The value of '{name}' needs 1-{MaxAttributeValueLength} printable characters other than ';', with a letter or digit.");
            }

            if (!normalized.TryAdd(name, value))
            {
                throw Invalid($"The attribute '{name}' is given twice.");
            }
        }

        return normalized;
    }

    /// <summary>
    /// One text per variant: two attribute sets, as given, have the same key exactly when their normal forms
    /// (<see cref="Attributes"/>) are <see cref="SameVariant"/>. Separated by control characters, which no name or
    /// value holds.
    /// </summary>
    public static string VariantKey(IReadOnlyDictionary<string, string> attributes) =>
        string.Join('\u001e', attributes
            .Select(pair => $"{pair.Key.Trim().ToLowerInvariant()}\u001f{pair.Value.Trim().Normalize(NormalizationForm.FormC).ToUpperInvariant()}")
            .Order(StringComparer.Ordinal));

    /// <summary>
    /// True when two attribute sets name the same variant: when their <see cref="VariantKey"/>s are one, so the
    /// catalog has a single idea of "one variant". (Compared with OrdinalIgnoreCase instead, values such as "ſ1" and
    /// "S1" were two variants here but one key, which the import and the catalog's indexes use.)
    /// </summary>
    public static bool SameVariant(IReadOnlyDictionary<string, string> left, IReadOnlyDictionary<string, string> right) =>
        left.Count == right.Count && string.Equals(VariantKey(left), VariantKey(right), StringComparison.Ordinal);

    public static StoreRuleException Invalid(string message) => new(RuleCodes.InvalidProduct, message);

    private static string Text(string? text, int maxLength, string what)
    {
        // Checked before it is normalized: normalizing half a character throws.
        var trimmed = text?.Trim() ?? string.Empty;
        trimmed = PlainText.IsPlain(trimmed) ? trimmed.Normalize(NormalizationForm.FormC) : string.Empty;
        return trimmed.Length is > 0 && trimmed.Length <= maxLength
            ? trimmed
            : throw Invalid($"{what} has 1-{maxLength} printable characters.");
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex HandlePattern();

    [GeneratedRegex("^[A-Z]{3}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex CurrencyPattern();

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,31}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex AttributeNamePattern();
}
