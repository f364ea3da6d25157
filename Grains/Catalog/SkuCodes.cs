using System.Globalization;
using System.Text;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Catalog;

/// <summary>
/// How generated SKUs read: <c>{store prefix}-{category code}-{product number}-{attribute codes…}</c>, e.g.
/// <c>FBX-HAIR-0042-BLK-250ML</c>. Every part is upper-case A-Z/0-9 and bounded, so any SKU built here fits
/// <see cref="IdRules.IsSku"/> (at most 5 + 6 + 6 + 5 × 7 + 3 characters with a collision suffix, well under 64).
/// </summary>
public static class SkuCodes
{
    public const int MaxPrefixLength = 5;
    public const int MaxCategoryCodeLength = 6;
    public const int MaxAttributeCodeLength = 6;

    /// <summary>Most attributes one variant may have: each becomes a part of its SKU.</summary>
    public const int MaxAttributes = 5;

    private const string Vowels = "AEIOU";

    /// <summary>
    /// A store's default prefix from its id: the initials of its words, completed with the first word's consonants
    /// to three characters (<c>fiber-x</c> → <c>FBX</c>, <c>suzume</c> → <c>SZM</c>, <c>north-sea-goods</c> → <c>NSG</c>).
    /// </summary>
    public static string DefaultPrefix(TenantId tenant)
    {
        var words = tenant.Value.Split('-', StringSplitOptions.RemoveEmptyEntries).Select(Clean).Where(word => word.Length > 0).ToList();
        if (words.Count == 0)
        {
            return "STORE";
        }

        var prefix = words.Count >= 3 ? string.Concat(words.Take(3).Select(word => word[0])) : FromOneOrTwoWords(words);
        // A SKU reads better when it starts with a letter: "1shop" becomes "S1S".
        return char.IsAsciiDigit(prefix[0]) ? ("S" + prefix)[..3] : prefix;
    }

    private static string FromOneOrTwoWords(List<string> words)
    {
        var first = words[0];
        var tail = words.Count == 2 ? words[1][..1] : string.Empty;
        var needed = 3 - 1 - tail.Length;
        var middle = new string([.. first.Skip(1).Where(letter => !Vowels.Contains(letter)).Take(needed)]);
        middle = middle.PadRight(needed, 'X');

        return first[0] + middle + tail;
    }

    /// <summary>True when <paramref name="prefix"/> can start SKUs: 2-5 of A-Z and 0-9, starting with a letter.</summary>
    public static bool IsPrefix(string? prefix) =>
        prefix is { Length: >= 2 and <= MaxPrefixLength } && char.IsAsciiLetterUpper(prefix[0]) && prefix.All(IsCodeChar);

    /// <summary>A category's code from its name (<c>Hair care</c> → <c>HAIRCA</c>); callers make it unique.</summary>
    public static string CategoryCode(string category)
    {
        var clean = Clean(category);
        return clean.Length == 0 ? "GEN" : clean[..Math.Min(clean.Length, MaxCategoryCodeLength)];
    }

    /// <summary>
    /// The highest number a category code may carry to stay unique (<c>HAIR2</c>, <c>HAI100</c>, <c>H99999</c>): five
    /// digits, so every code keeps at least one letter of its category.
    /// </summary>
    public const int MaxCategorySuffix = 99_999;

    /// <summary>
    /// The code <paramref name="suffix"/> makes of <paramref name="stem"/> (a <see cref="CategoryCode(string)"/>): the
    /// stem shortened to leave room for the number (<c>HAIRCA</c>, 12 → <c>HAIR12</c>). Null past <see cref="MaxCategorySuffix"/>.
    /// </summary>
    public static string? SuffixedCategoryCode(string stem, int suffix)
    {
        if (suffix is < 2 or > MaxCategorySuffix)
        {
            return null;
        }

        var digits = suffix.ToString(CultureInfo.InvariantCulture);
        return stem[..Math.Min(stem.Length, MaxCategoryCodeLength - digits.Length)] + digits;
    }

    /// <summary>The product number part: at least four digits (<c>0042</c>).</summary>
    public static string ProductNumber(int number) => number.ToString("D4", CultureInfo.InvariantCulture);

    /// <summary>
    /// An attribute value's code: values with digits are kept (<c>250ml</c> → <c>250ML</c>), short ones too
    /// (<c>XL</c>); longer words become their first letter, second and last consonants (<c>Black</c> → <c>BLK</c>,
    /// <c>Green</c> → <c>GRN</c>), or their first three letters when they have too few consonants (<c>Blue</c> → <c>BLU</c>).
    /// </summary>
    public static string AttributeCode(string value)
    {
        var clean = Clean(value);
        if (clean.Length == 0)
        {
            return "X";
        }

        if (clean.Length <= 3 || clean.Any(char.IsAsciiDigit))
        {
            return clean[..Math.Min(clean.Length, MaxAttributeCodeLength)];
        }

        var consonants = clean.Skip(1).Where(letter => !Vowels.Contains(letter)).ToList();
        return consonants.Count >= 2
            ? string.Concat(clean[0], consonants[0], consonants[^1])
            : clean[..3];
    }

    /// <summary>The product code: <c>{prefix}-{category}-{number}</c>.</summary>
    public static string ProductCode(string prefix, string categoryCode, int number) =>
        $"{prefix}-{categoryCode}-{ProductNumber(number)}";

    /// <summary>
    /// Whether the issuer could produce <paramref name="sku"/>: a prefix, a category code and a product number of at least
    /// four digits, then up to <see cref="MaxAttributes"/> attribute codes and a collision number, all in A-Z and 0-9.
    /// </summary>
    public static bool CouldBeIssued(string sku)
    {
        var parts = sku.Split('-');
        return parts.Length is >= 3 and <= 3 + MaxAttributes + 1
            && IsPrefix(parts[0])
            && parts[1].Length is >= 1 and <= MaxCategoryCodeLength && parts[1].All(IsCodeChar)
            && parts[2].Length >= 4 && parts[2].All(char.IsAsciiDigit)
            && parts.Skip(3).All(part => part.Length is >= 1 and <= MaxAttributeCodeLength && part.All(IsCodeChar));
    }

    /// <summary>
    /// <paramref name="sku"/> in the letter case the issuer writes codes in (upper): the one spelling under which a
    /// code stocked by hand is recorded, whichever case the admin typed it in. SKUs are ASCII, so no culture applies.
    /// </summary>
    public static string IssuedSpelling(string sku) => sku.ToUpperInvariant();

    /// <summary>A variant's SKU: the product code, then its attribute codes ordered by attribute name.</summary>
    public static string VariantSku(string productCode, IReadOnlyDictionary<string, string> attributes)
    {
        var builder = new StringBuilder(productCode);
        foreach (var (_, value) in attributes.OrderBy(attribute => attribute.Key, StringComparer.Ordinal))
        {
            builder.Append('-').Append(AttributeCode(value));
        }

        return builder.ToString();
    }

    /// <summary>Keeps A-Z and 0-9 of the upper-cased, accent-stripped text.</summary>
    private static string Clean(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var letter in text.Normalize(NormalizationForm.FormD).ToUpperInvariant())
        {
            if (IsCodeChar(letter))
            {
                builder.Append(letter);
            }
        }

        return builder.ToString();
    }

    private static bool IsCodeChar(char letter) => char.IsAsciiLetterUpper(letter) || char.IsAsciiDigit(letter);
}
