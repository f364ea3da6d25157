using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Grains.Tests.Common;

public sealed class IdRulesTests
{
    [Theory]
    [InlineData("A")]
    [InlineData("9")]
    [InlineData("FBX-TEE-BLK-M")]
    [InlineData("sku_1.v2")]
    public void IsSku_AcceptsTheDocumentedAlphabet(string sku) => Assert.True(IdRules.IsSku(sku));

    [Fact]
    public void IsSku_AcceptsTheLongestSku() => Assert.True(IdRules.IsSku(new string('S', IdRules.MaxSkuLength)));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("-TEE")]
    [InlineData(".TEE")]
    [InlineData("TEE/BLK")]
    [InlineData("TEE@main")]
    [InlineData("TEE BLK")]
    [InlineData("TEE\n")]
    [InlineData("\nTEE")]
    [InlineData("TÉE")]
    public void IsSku_RefusesAnythingElse(string? sku) => Assert.False(IdRules.IsSku(sku));

    [Fact]
    public void IsSku_RefusesOneCharacterPastTheLongest() => Assert.False(IdRules.IsSku(new string('S', IdRules.MaxSkuLength + 1)));

    [Theory]
    [InlineData("main")]
    [InlineData("0")]
    [InlineData("eu-west-2")]
    public void IsZone_AcceptsTheDocumentedAlphabet(string zone) => Assert.True(IdRules.IsZone(zone));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Main")]
    [InlineData("-main")]
    [InlineData("main_2")]
    [InlineData("main.2")]
    [InlineData("main\n")]
    [InlineData("main/2")]
    public void IsZone_RefusesAnythingElse(string? zone) => Assert.False(IdRules.IsZone(zone));

    [Fact]
    public void IsZone_HoldsAtMostItsLongest()
    {
        Assert.True(IdRules.IsZone(new string('z', IdRules.MaxZoneLength)));
        Assert.False(IdRules.IsZone(new string('z', IdRules.MaxZoneLength + 1)));
    }

    [Fact]
    public void EnsureSku_RefusesAFinalLineFeedAsAStoreRule()
    {
        var refused = Assert.Throws<StoreRuleException>(() => IdRules.EnsureSku("TEE\n"));
        Assert.Equal(RuleCodes.InvalidId, refused.Code);
    }
}
