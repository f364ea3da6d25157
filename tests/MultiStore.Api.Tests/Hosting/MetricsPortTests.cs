using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using MultiStore.Api.Hosting;

namespace MultiStore.Api.Tests.Hosting;

/// <summary>The Api with <c>Metrics:Port</c> set, as the container image runs it.</summary>
public sealed class MetricsPortApiFactory : ApiFactory
{
    protected override void ConfigureSettings(IWebHostBuilder builder) =>
        builder.UseSetting("Metrics:Port", "9090");
}

/// <summary>With a metrics port, <c>/metrics</c> is answered on that port only: on the public one it is just an unknown store path.</summary>
public sealed class MetricsPortTests(MetricsPortApiFactory api) : IClassFixture<MetricsPortApiFactory>
{
    [Fact]
    public async Task Metrics_OnAPortOtherThanMetricsPort_IsNotServed()
    {
        // The test server's connections have no local port, so none of them is the metrics port.
        using var scraper = api.ClientFor("metrics.internal");

        await scraper.GetAsync(MetricsExtensions.MetricsPath).ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(70000)]
    public void MetricsOptionsValidator_PortOutOfRange_NamesTheKey(int port)
    {
        var result = new MetricsOptionsValidator(anyPortHarmless: true).Validate(null, new MetricsOptions { Port = port });

        Assert.True(result.Failed);
        Assert.Contains("Metrics:Port", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "http://127.0.0.1:5180", null, true)]
    [InlineData(false, "http://localhost:5080;http://[::1]:5081", null, true)]
    [InlineData(true, "http://+:8080", null, true)]
    [InlineData(false, "http://+:8080", null, false)]
    [InlineData(false, "http://0.0.0.0:8080", null, false)]
    [InlineData(false, "http://+:8080;http://+:9090", 9090, true)]
    public void MissingMetricsPort_IsRefusedWhereThePublicPortIsReachable(bool isDevelopment, string urls, int? port, bool accepted)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Urls"] = urls }).Build();

        var result = MetricsOptionsValidator.For(isDevelopment, configuration).Validate(null, new MetricsOptions { Port = port });

        Assert.Equal(accepted, result.Succeeded);
        if (!accepted)
        {
            Assert.Contains("Metrics:Port", result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
