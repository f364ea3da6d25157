namespace MultiStore.Bench.Tests;

/// <summary>The bench's command line: defaults, scenarios, options, and errors that name the bad argument.</summary>
public sealed class BenchOptionsTests
{
    [Fact]
    public void Parse_NoArguments_RunsEverythingAtTheIssuesLevels()
    {
        var options = BenchOptions.Parse([]);

        Assert.Equal([Scenario.FlashSale, Scenario.ManyStores], options.Scenarios);
        Assert.Equal(Target.All, options.Targets);
        Assert.Equal([1, 64, 256, 1024], options.Concurrency);
        Assert.Equal(10_000, options.Units);
        Assert.Equal(100_000, options.ManyStores * options.ManySkus);
        Assert.False(options.ExternalCluster);
    }

    [Fact]
    public void Parse_ScenarioAndOptions_OverrideDefaults()
    {
        var options = BenchOptions.Parse(["flash-sale", "--targets", "grain,redis-lua", "--concurrency", "8,16", "--units", "50", "--cluster", "external"]);

        Assert.Equal([Scenario.FlashSale], options.Scenarios);
        Assert.Equal([Target.Grain, Target.RedisLua], options.Targets);
        Assert.Equal([8, 16], options.Concurrency);
        Assert.Equal(50, options.Units);
        Assert.True(options.ExternalCluster);
    }

    [Fact]
    public void Parse_Quick_ShrinksTheRunButKeepsExplicitOptions()
    {
        var options = BenchOptions.Parse(["--units", "70", "--quick"]);

        Assert.True(options.Quick);
        Assert.Equal(70, options.Units);
        Assert.True(options.ManyStores * options.ManySkus < 100_000);
    }

    [Fact]
    public void Parse_SiloAndApiSettings_GoToTheirOwnProcesses()
    {
        var options = BenchOptions.Parse(["--silo-env", "DOTNET_GCgen0size=0x4000000", "--api-env", "DOTNET_gcServer=0", "--api-env", "A=b=c"]);

        Assert.Equal(new Dictionary<string, string> { ["DOTNET_GCgen0size"] = "0x4000000" }, options.SiloEnvironment);
        Assert.Equal(new Dictionary<string, string> { ["DOTNET_gcServer"] = "0", ["A"] = "b=c" }, options.ApiEnvironment);
    }

    [Theory]
    [InlineData("--units", "0", "--units")]
    [InlineData("--api-env", "DOTNET_gcServer", "--api-env")]
    [InlineData("--silo-env", "=1", "--silo-env")]
    [InlineData("--targets", "grain,mongo", "mongo")]
    [InlineData("--cluster", "k8s", "--cluster")]
    [InlineData("--nope", "1", "--nope")]
    [InlineData("--api-url", "https://shop.example", "--api-url")]
    [InlineData("--api-url", "not a url", "--api-url")]
    public void Parse_BadArgument_NamesIt(string option, string value, string named)
    {
        var error = Assert.Throws<FormatException>(() => BenchOptions.Parse([option, value]));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownScenario_IsRefused()
    {
        Assert.Throws<FormatException>(() => BenchOptions.Parse(["black-friday"]));
    }
}
