using MultiStore.Grains.Catalog;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Tests.Catalog;

public sealed class SkuCodesTests
{
    [Theory]
    [InlineData("fiber-x", "FBX")]
    [InlineData("suzume", "SZM")]
    [InlineData("north-sea-goods", "NSG")]
    [InlineData("ab", "ABX")]
    [InlineData("1shop", "S1S")]
    public void DefaultPrefix_FromStoreId_IsThreeUpperCaseCharacters(string tenant, string expected)
    {
        var prefix = SkuCodes.DefaultPrefix(TenantId.Parse(tenant));

        Assert.Equal(expected, prefix);
        Assert.True(SkuCodes.IsPrefix(prefix));
    }

    [Theory]
    [InlineData("Black", "BLK")]
    [InlineData("Green", "GRN")]
    [InlineData("Blue", "BLU")]
    [InlineData("250ml", "250ML")]
    [InlineData("XL", "XL")]
    [InlineData("Crème", "CRM")]
    [InlineData("extra long value 1234567", "EXTRAL")]
    public void AttributeCode_FromValue_IsShortAndUpperCase(string value, string expected)
    {
        Assert.Equal(expected, SkuCodes.AttributeCode(value));
    }

    [Fact]
    public void VariantSku_OrdersAttributesByName_AndReadsLikeTheExample()
    {
        var code = SkuCodes.ProductCode("FBX", SkuCodes.CategoryCode("Hair"), 42);

        var sku = SkuCodes.VariantSku(code, new Dictionary<string, string> { ["size"] = "250ml", ["color"] = "Black" });

        Assert.Equal("FBX-HAIR-0042-BLK-250ML", sku);
    }

    [Fact]
    public void VariantSku_LongestParts_StillFitsIdRules()
    {
        var code = SkuCodes.ProductCode("ABCDE", SkuCodes.CategoryCode("Very long category name"), 999_999);
        var attributes = Enumerable.Range(0, SkuCodes.MaxAttributes).ToDictionary(index => $"a{index}", _ => "123456789 long value");

        var sku = SkuCodes.VariantSku(code, attributes) + "-99";

        Assert.True(IdRules.IsSku(sku), sku);
    }

    [Theory]
    [InlineData("FBX-HAIR-0042", true)]
    [InlineData("FBX-HAIR-0042-BLK-250ML", true)]
    [InlineData("FBX-HAIR-0042-2", true)]
    [InlineData("GLW-HAIR12-1234567", true)]
    [InlineData("FBX-HAIR-42", false)]
    [InlineData("fbx-hair-0042", false)]
    [InlineData("FBX-HAIR", false)]
    [InlineData("FIBER-X-SKU-1a2b3c4d", false)]
    [InlineData("1BX-HAIR-0042", false)]
    [InlineData("FBX-HAIRCARE-0042", false)]
    [InlineData("FBX--0042", false)]
    [InlineData("WIDGET-1", false)]
    public void CouldBeIssued_IsTrueOnlyForTheIssuersOwnForm(string sku, bool expected) =>
        Assert.Equal(expected, SkuCodes.CouldBeIssued(sku));
}
