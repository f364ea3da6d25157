using System.Text;
using FluentValidation;
using MultiStore.Grains.Catalog;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Api.Features.Catalog;

/// <summary>The catalog's input rules for request validators, written once from <see cref="CatalogRules"/>.</summary>
public static class CatalogRequestRules
{
    public static IRuleBuilderOptions<T, string> IsHandle<T>(this IRuleBuilder<T, string> rule) =>
        rule.Must(CatalogRules.IsHandle).WithMessage($"Use 1-{CatalogRules.MaxHandleLength} of a-z, 0-9 and '-' (starting with a letter or digit).");

    /// <summary>
    /// A price in some currency (<see cref="CatalogRules.IsAmount"/>); the store's own currency is checked by create
    /// (<see cref="PriceRefusal"/>), which reads it, and by the catalog grain, which alone knows an unchanged price.
    /// </summary>
    public static IRuleBuilderOptions<T, decimal?> IsPrice<T>(this IRuleBuilder<T, decimal?> rule) =>
        rule.Must(price => price is null || CatalogRules.IsAmount(price.Value))
            .WithMessage($"A price is between 0 and {CatalogRules.MaxPrice}, with at most its currency's decimals (two in EUR, none in JPY, three in KWD).");

    /// <summary>
    /// Why <paramref name="price"/> cannot be a price of a store selling in <paramref name="currency"/> (more decimals
    /// than its minor unit: 1234.5 yen), or null when it can. Checked by create before the catalog, so the admin
    /// gets a 400 naming the currency; the catalog grain checks the same rule again. (Not by update or import: a
    /// price sent back unchanged passes there, which only the catalog can tell.)
    /// </summary>
    public static string? PriceRefusal(decimal? price, string currency) =>
        price is { } value && !CatalogRules.IsPrice(value, currency) ? CatalogRules.PriceRule(value, currency) : null;

    public static IRuleBuilderOptions<T, string?> IsText<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.Must(text => text is null || (text.Trim().Length is > 0 && text.Trim().Length <= maxLength && PlainText.IsPlain(text)))
            .WithMessage($"Use 1-{maxLength} printable characters.");

    public static IRuleBuilderOptions<T, Dictionary<string, string>?> AreAttributes<T>(this IRuleBuilder<T, Dictionary<string, string>?> rule) =>
        rule.Must(attributes => attributes is null || TryAttributes(attributes))
            .WithMessage($"At most {SkuCodes.MaxAttributes} attributes, names of a-z, 0-9, '_', '-' (1-{CatalogRules.MaxAttributeNameLength}), values of 1-{CatalogRules.MaxAttributeValueLength} printable characters other than ';'.");

    /// <summary>
    /// How many variants <paramref name="attributeSets"/> name, each counted once by <see cref="CatalogRules.VariantKey"/>
    /// as the catalog dedupes them ("S" and " s" are one). Sets that are no attributes are left to their own rule.
    /// </summary>
    public static int DistinctVariants(IEnumerable<Dictionary<string, string>?> attributeSets) =>
        attributeSets.OfType<Dictionary<string, string>>().Where(TryAttributes)
            .Select(CatalogRules.VariantKey).Distinct(StringComparer.Ordinal).Count();

    /// <summary>A handle made from a product name when none is given: <c>Argan Oil 250ml</c> → <c>argan-oil-250ml</c>.</summary>
    public static string HandleFrom(string name)
    {
        var builder = new StringBuilder();
        foreach (var letter in name.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (char.IsAsciiLetterLower(letter) || char.IsAsciiDigit(letter))
            {
                builder.Append(letter);
            }
            else if (builder.Length > 0 && builder[^1] != '-' && (char.IsWhiteSpace(letter) || char.IsPunctuation(letter) || char.IsSymbol(letter)))
            {
                builder.Append('-');
            }
        }

        var handle = builder.ToString().Trim('-');
        return handle.Length <= CatalogRules.MaxHandleLength ? handle : handle[..CatalogRules.MaxHandleLength].TrimEnd('-');
    }

    private static bool TryAttributes(Dictionary<string, string> attributes)
    {
        try
        {
            CatalogRules.Attributes(attributes);
            return true;
        }
        catch (StoreRuleException)
        {
            return false;
        }
    }
}
