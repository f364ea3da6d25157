using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Grains.Catalog;

/// <summary>
/// Issues category codes that no other category of the store has: the stem, else the stem with the first free number
/// (<see cref="SkuCodes.SuffixedCategoryCode"/>). It remembers, per stem, the number to try next (a code once issued is
/// never given back), so issuing many categories whose names share a stem costs each one a lookup or two instead of a
/// walk past every code already issued. Refuses, never fails, when a stem's numbers run out.
/// </summary>
public sealed class CategoryCodeIssuer(IEnumerable<string> issued)
{
    private readonly HashSet<string> _taken = new(issued, StringComparer.Ordinal);
    private readonly Dictionary<string, int> _nextSuffix = new(StringComparer.Ordinal);

    /// <summary>A code from <paramref name="stem"/> not issued before, now issued.</summary>
    /// <exception cref="StoreRuleException">Every code the stem can make is taken.</exception>
    public string Issue(string stem)
    {
        var code = stem;
        if (_taken.Contains(code))
        {
            var suffix = _nextSuffix.GetValueOrDefault(stem, 2);
            while ((code = SkuCodes.SuffixedCategoryCode(stem, suffix)) is not null && _taken.Contains(code))
            {
                suffix++;
            }

            if (code is null)
            {
                throw CatalogRules.Invalid($"Every category code starting '{stem}' is in use; give the category a name that starts differently.");
            }

            _nextSuffix[stem] = suffix + 1;
        }

        _taken.Add(code);
        return code;
    }
}
