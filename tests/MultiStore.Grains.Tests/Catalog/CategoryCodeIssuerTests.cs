using MultiStore.Grains.Catalog;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Catalog;

public sealed class CategoryCodeIssuerTests
{
    [Fact]
    public void Issue_StemTakenByAnotherCategory_NumbersTheCodeAndSkipsTakenNumbers()
    {
        var issuer = new CategoryCodeIssuer(["HAIR", "HAIR2"]);

        Assert.Equal(["HAIR3", "HAIR4", "MUGS"], new[] { issuer.Issue("HAIR"), issuer.Issue("HAIR"), issuer.Issue("MUGS") });
    }

    [Fact]
    public void Issue_EveryCodeOfAStemTaken_IsRefusedAsARuleNeverAnotherException()
    {
        var issuer = new CategoryCodeIssuer([]);
        var codes = new HashSet<string>(StringComparer.Ordinal);

        for (var issued = 0; issued < SkuCodes.MaxCategorySuffix; issued++)
        {
            var code = issuer.Issue("HAIRCA");
            Assert.True(code.Length is > 1 and <= SkuCodes.MaxCategoryCodeLength && char.IsAsciiLetterUpper(code[0]), code);
            Assert.True(codes.Add(code), code);
        }

        var refused = StoreAssert.Refused(RuleCodes.InvalidProduct, () => issuer.Issue("HAIRCA"));
        Assert.Contains("HAIRCA", refused.Message, StringComparison.Ordinal);
        StoreAssert.Refused(RuleCodes.InvalidProduct, () => issuer.Issue("HAIRCA"));
        Assert.Equal("MUGS", issuer.Issue("MUGS"));
    }
}
