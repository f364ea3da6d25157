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
    public void NameAndCategory_AreKeptInOneFormOfEachAccent() =>
        Assert.Equal(("Caf\u00e9 cr\u00e8me", "Boissons \u00e9t\u00e9"), (CatalogRules.Name("Cafe\u0301 cre\u0300me"), CatalogRules.Category("Boissons e\u0301te\u0301")));
}
