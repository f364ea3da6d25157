using System.Globalization;
using MultiStore.Grains.Catalog;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Grains.Tests.Catalog;

public sealed class CatalogRulesTests
{
    [Theory]
    [InlineData("Soft cotton.")]
    [InlineData("Line one\nLine two")]
    [InlineData("Care:\r\n\t- wash cold")]
    public void Description_FreeTextOverSeveralLines_IsKeptAsWritten(string description) =>
        Assert.Equal(description, CatalogRules.Description(description));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   \n ")]
    public void Description_BlankOrMissing_IsNone(string? description) => Assert.Null(CatalogRules.Description(description));

    [Theory]
    [InlineData("a\0b")]
    [InlineData("ring\a")]
    [InlineData("esc\u001b[2J")]
    public void Description_WithOtherControlCharacters_IsRefused(string description)
    {
        var refused = Assert.Throws<StoreRuleException>(() => CatalogRules.Description(description));
        Assert.Equal(RuleCodes.InvalidProduct, refused.Code);
    }

    /// <summary>
    /// Half an emoji, an override and a line separator are refused as a product's words, as a rule: normalizing half
    /// a character threw an ArgumentException (a 500) before any check ran. Built here, not passed as theory data,
    /// which xunit would turn into U+FFFD.
    /// </summary>
    [Fact]
    public void TextFields_WithCharactersThatActOnTheirSurroundings_AreRefusedAsInvalidProduct()
    {
        foreach (var character in new[] { "\uD83D", "\uDE00", "\u202E", "\u2066", "\u2028" })
        {
            var text = $"Tee{character}exe";
            foreach (var check in new Action[]
            {
                () => CatalogRules.Name(text),
                () => CatalogRules.Category(text),
                () => CatalogRules.Description(text),
                () => CatalogRules.Attributes(new Dictionary<string, string> { ["color"] = text }),
            })
            {
                Assert.Equal(RuleCodes.InvalidProduct, Assert.Throws<StoreRuleException>(check).Code);
            }
        }
    }

    [Fact]
    public void Description_OneCharacterPastTheLongest_IsRefused()
    {
        Assert.NotNull(CatalogRules.Description(new string('d', CatalogRules.MaxDescriptionLength)));
        Assert.Throws<StoreRuleException>(() => CatalogRules.Description(new string('d', CatalogRules.MaxDescriptionLength + 1)));
    }

    [Fact]
    public void Attributes_AnAccentTypedComposedOrDecomposed_IsOneValue()
    {
        var composed = CatalogRules.Attributes(new Dictionary<string, string> { ["color"] = "Caf\u00e9" });
        var decomposed = CatalogRules.Attributes(new Dictionary<string, string> { ["color"] = "Cafe\u0301" });

        Assert.Equal(composed["color"], decomposed["color"]);
        Assert.True(CatalogRules.SameVariant(composed, decomposed));
    }

    [Fact]
    public void Attributes_AValueWithTheCsvPairSeparator_IsRefused()
    {
        // The catalog's export writes "pack=6;12" for it, which its import reads as two pairs.
        var refused = Assert.Throws<StoreRuleException>(() => CatalogRules.Attributes(new Dictionary<string, string> { ["pack"] = "6;12" }));

        Assert.Equal(RuleCodes.InvalidProduct, refused.Code);
        Assert.Equal("6=12", CatalogRules.Attributes(new Dictionary<string, string> { ["pack"] = "6=12" })["pack"]);
    }

    [Fact]
    public void VariantKey_IsOneForEverySpellingOfOneVariant()
    {
        var key = CatalogRules.VariantKey(new Dictionary<string, string> { ["color"] = "Caf\u00e9", ["size"] = "m" });

        Assert.Equal(key, CatalogRules.VariantKey(new Dictionary<string, string> { [" Size"] = "M ", ["COLOR"] = "CAFE\u0301" }));
        Assert.NotEqual(key, CatalogRules.VariantKey(new Dictionary<string, string> { ["color"] = "Cafe", ["size"] = "m" }));
        Assert.NotEqual(key, CatalogRules.VariantKey(new Dictionary<string, string> { ["color"] = "Caf\u00e9" }));
    }

    [Theory]
    [InlineData("\u017F1", "S1")]
    [InlineData("Caf\u00e9", "CAF\u00c9")]
    public void SameVariant_ValuesWithOneKey_AreOneVariant(string left, string right)
    {
        // Long s upper-cases to ASCII S but is not OrdinalIgnoreCase-equal to it: the catalog dedupes by
        // key, so SameVariant must say the same.
        Dictionary<string, string> first = new() { ["size"] = left }, second = new() { ["size"] = right };

        Assert.Equal(CatalogRules.VariantKey(first), CatalogRules.VariantKey(second));
        Assert.True(CatalogRules.SameVariant(first, second));
    }

    [Theory]
    [InlineData("9.999999999999999999999999999999")]
    [InlineData("10.0000000000000000000000000001")]
    [InlineData("0.0000000000000000000000000000001")]
    public void Price_WrittenWithMoreDigitsThanADecimalHolds_IsRefused(string written)
    {
        // Read as the import's cells and JSON bodies are: the tail is rounded away, to what looks like a fine price.
        var read = decimal.Parse(written, CultureInfo.InvariantCulture);
        Assert.Equal(decimal.Round(read, 2), read);

        Assert.False(CatalogRules.IsPrice(read, "EUR"));
        Assert.Equal(RuleCodes.InvalidPrice, Assert.Throws<StoreRuleException>(() => CatalogRules.Price(read, "EUR")).Code);
    }

    [Theory]
    [InlineData("20")]
    [InlineData("19.9")]
    [InlineData("19.99")]
    [InlineData("19.9900")]
    public void Price_WithTwoDecimalsAtMost_IsKept(string written)
    {
        var read = decimal.Parse(written, CultureInfo.InvariantCulture);

        Assert.Equal(read, CatalogRules.Price(read, "EUR"));
    }

    [Theory]
    [InlineData("JPY", "1234", true)]
    [InlineData("JPY", "1234.00", true)]
    [InlineData("JPY", "1234.5", false)]
    [InlineData("KRW", "0.1", false)]
    [InlineData("KWD", "1.234", true)]
    [InlineData("KWD", "1.2345", false)]
    [InlineData("BHD", "0.001", true)]
    [InlineData("EUR", "19.99", true)]
    [InlineData("EUR", "19.9900", true)]
    [InlineData("EUR", "19.999", false)]
    [InlineData("USD", "0.001", false)]
    public void Price_HasAtMostItsCurrencysMinorUnitDigits(string currency, string written, bool isPrice)
    {
        var read = decimal.Parse(written, CultureInfo.InvariantCulture);

        Assert.Equal(isPrice, CatalogRules.IsPrice(read, currency));
        if (!isPrice)
        {
            var refusal = Assert.Throws<StoreRuleException>(() => CatalogRules.Price(read, currency));
            Assert.Equal(RuleCodes.InvalidPrice, refusal.Code);
            Assert.Contains(currency, refusal.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("EUR", "19.9", "19.90")]
    [InlineData("JPY", "1234", "1234")]
    [InlineData("KWD", "1.234", "1.234")]
    [InlineData("KWD", "1.5", "1.500")]
    [InlineData("JPY", "1234.56", "1234.56")]
    public void Format_WritesTheCurrencysDigits_AndNeverDropsOnesStoredBeforeTheRule(string currency, string stored, string written) =>
        Assert.Equal(written, CurrencyMinorUnits.Format(decimal.Parse(stored, CultureInfo.InvariantCulture), currency));

    [Fact]
    public void NameAndCategory_AreKeptInOneFormOfEachAccent() =>
        Assert.Equal(("Caf\u00e9 cr\u00e8me", "Boissons \u00e9t\u00e9"), (CatalogRules.Name("Cafe\u0301 cre\u0300me"), CatalogRules.Category("Boissons e\u0301te\u0301")));
}
