using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Grains.Tests.Hosting;

public static class StoreAssert
{
    /// <summary>Asserts that <paramref name="call"/> is refused with the rule <paramref name="code"/>.</summary>
    public static StoreRuleException Refused(string code, Action call)
    {
        var refusal = Assert.Throws<StoreRuleException>(call);
        Assert.Equal(code, refusal.Code);
        return refusal;
    }

    /// <summary>Asserts that <paramref name="call"/> is refused with the rule <paramref name="code"/>.</summary>
    public static async Task<StoreRuleException> RefusedAsync(string code, Func<Task> call)
    {
        var refusal = await Assert.ThrowsAsync<StoreRuleException>(call);
        Assert.Equal(code, refusal.Code);
        return refusal;
    }
}
