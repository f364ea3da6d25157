using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Tests.Tenancy;

/// <summary>A store id is a lowercase slug of 2–40 characters; anything else is "no store", never a guess.</summary>
public sealed class TenantIdTests
{
    [Theory]
    [InlineData("ab")]
    [InlineData("fiber-x")]
    [InlineData("0123456789")]
    [InlineData("a234567890123456789012345678901234567890")]
    public void TryParse_AWellFormedSlug_IsAccepted(string candidate)
    {
        Assert.True(TenantId.TryParse(candidate, out var tenant));
        Assert.Equal(candidate, tenant.Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("a2345678901234567890123456789012345678901")]
    [InlineData("Fiber")]
    [InlineData("fiber x")]
    [InlineData("fiber/x")]
    [InlineData("fiber_x")]
    [InlineData("fïber")]
    [InlineData("fiber\n")]
    [InlineData("\nfiber")]
    public void TryParse_AnythingElse_IsNoStore(string? candidate)
    {
        Assert.False(TenantId.TryParse(candidate, out var tenant));
        Assert.Equal(default, tenant);
        Assert.Throws<FormatException>(() => TenantId.Parse(candidate!));
    }
}
