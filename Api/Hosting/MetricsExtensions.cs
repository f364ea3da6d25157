using System.Diagnostics.Metrics;
using Microsoft.Extensions.Options;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Diagnostics;
using OpenTelemetry.Metrics;

namespace MultiStore.Api.Hosting;

/// <summary>
/// OpenTelemetry metrics of the API, exported as Prometheus text on <see cref="MetricsPath"/>: ASP.NET Core's and
/// Kestrel's meters, the runtime's, Orleans' (the client's, or the embedded silo's) and MultiStore's, among them
/// <see cref="StoreRequestMetrics.Requests"/>, the request rate per store.
/// </summary>
public static class MetricsExtensions
{
    public const string MetricsPath = "/metrics";

    /// <summary>The meters exported on <see cref="MetricsPath"/>.</summary>
    public static readonly string[] Meters =
    [
        MultiStoreMetrics.MeterName,
        MultiStoreMetrics.OrleansMeterName,
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Runtime",
    ];

    public static WebApplicationBuilder AddMultiStoreMetrics(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<MetricsOptions>().BindConfiguration(MetricsOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<MetricsOptions>>(provider => MetricsOptionsValidator.For(
            provider.GetRequiredService<IHostEnvironment>().IsDevelopment(),
            provider.GetRequiredService<IConfiguration>()));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(Meters).AddPrometheusExporter(
            // Every scrape reads current values: Prometheus scrapes every 15-30 s, so the exporter's default 300 ms
            // response cache saves nothing and would hand a second scraper (or a test) a stale page.
            prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        return builder;
    }

    /// <summary>
    /// First in the pipeline after HEAD handling: the scrape endpoint answers before tenant resolution (a scraper's
    /// Host is no store), and the store counter sees every request's final status, errors included.
    /// </summary>
    public static WebApplication UseMultiStoreMetrics(this WebApplication app)
    {
        var port = app.Services.GetRequiredService<IOptions<MetricsOptions>>().Value.Port;
        app.UseOpenTelemetryPrometheusScrapingEndpoint(
            meterProvider: null,
            predicate: context => context.Request.Path == MetricsPath && (port is null || context.Connection.LocalPort == port),
            path: null,
            configureBranchedPipeline: null,
            optionsName: null);
        app.UseMiddleware<StoreRequestMetrics>();
        return app;
    }
}

/// <summary>
/// Counts every request by the store it was resolved to (tag <c>multistore.store</c>: the store id, or <c>none</c>
/// for platform, health and unresolved hosts) and its status class. Only resolved stores become tag values, so an
/// attacker sending random Host headers cannot grow the series; Prometheus reads it as
/// <c>multistore_api_requests_total</c>.
/// </summary>
public sealed class StoreRequestMetrics(RequestDelegate next)
{
    public static readonly Counter<long> Requests = MultiStoreMetrics.Meter.CreateCounter<long>(
        "multistore.api.requests", "{request}", "HTTP requests answered by the API, by store and status class.");

    public const string StoreTag = "multistore.store";
    public const string StatusClassTag = "http.response.status_class";
    public const string NoStore = "none";

    private static readonly string[] StatusClasses = ["1xx", "2xx", "3xx", "4xx", "5xx"];

    public async Task InvokeAsync(HttpContext context, RequestTenant tenant)
    {
        try
        {
            await next(context);
        }
        finally
        {
            var status = context.Response.StatusCode;
            Requests.Add(
                1,
                new KeyValuePair<string, object?>(StoreTag, tenant.IsResolved ? tenant.Id.Value : NoStore),
                new KeyValuePair<string, object?>(StatusClassTag, status is >= 100 and < 600 ? StatusClasses[(status / 100) - 1] : "other"));
        }
    }
}
