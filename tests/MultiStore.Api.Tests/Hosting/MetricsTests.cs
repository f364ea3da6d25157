using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using MultiStore.Api.Hosting;

namespace MultiStore.Api.Tests.Hosting;

/// <summary>
/// <c>/metrics</c>: Prometheus text with the per-store request counter and Orleans' own meters. The counter is one
/// process-wide instrument and other test classes send requests at the same time, so the checks are on what this
/// test adds, not on totals.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class MetricsTests(ApiFactory api)
{
    [Fact]
    public async Task Metrics_AfterStorefrontRequests_CountsThemUnderTheirStore()
    {
        var before = await StoreRequestsAsync("fiber-x", "2xx");
        using var shopper = api.ClientFor("fiber-x.localhost");
        for (var i = 0; i < 3; i++)
        {
            await shopper.GetAsync("/api/stock/FBX-TEE-BLK-M").ExpectAsync(HttpStatusCode.OK);
        }

        var after = await StoreRequestsAsync("fiber-x", "2xx");

        Assert.True(after - before >= 3, $"fiber-x 2xx went from {before} to {after}.");
    }

    [Fact]
    public async Task Metrics_ForAnUnknownHost_CountsUnderNoneAndNeverUnderTheHost()
    {
        using var stranger = api.ClientFor("no-such-store.localhost");
        await stranger.GetAsync("/api/stock/ANY").ExpectProblemAsync(HttpStatusCode.NotFound);

        var metrics = await ScrapeAsync();

        Assert.DoesNotContain("no-such-store", metrics, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^multistore_api_requests_total\{[^}]*multistore_store=""" + StoreRequestMetrics.NoStore + @"""", metrics);
    }

    [Fact]
    public async Task Metrics_OnAnyHost_AnswersWithOrleansMetersAndNeedsNoStore()
    {
        using var scraper = api.ClientFor("10.0.0.7:8080");
        using (var live = await scraper.GetAsync("/health/live"))
        {
            Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        }

        using var response = await scraper.GetAsync(MetricsExtensions.MetricsPath);
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^orleans_\w+", body);
        Assert.Matches(@"(?m)^http_server_request_duration_seconds_bucket", body);
    }

    private async Task<string> ScrapeAsync()
    {
        using var scraper = api.ClientFor("metrics.internal");
        return await scraper.GetStringAsync(MetricsExtensions.MetricsPath);
    }

    private async Task<double> StoreRequestsAsync(string store, string statusClass)
    {
        var metrics = await ScrapeAsync();
        var total = 0d;
        foreach (Match line in Regex.Matches(metrics, @"(?m)^multistore_api_requests_total\{([^}]*)\} (\S+)"))
        {
            var labels = line.Groups[1].Value;
            if (labels.Contains($"multistore_store=\"{store}\"", StringComparison.Ordinal) &&
                labels.Contains($"http_response_status_class=\"{statusClass}\"", StringComparison.Ordinal))
            {
                total += double.Parse(line.Groups[2].Value, CultureInfo.InvariantCulture);
            }
        }

        return total;
    }
}
