using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using MultiStore.Grains.Diagnostics;
using MultiStore.Grains.Hosting;
using MultiStore.Silo.Configuration;
using Npgsql;
using OpenTelemetry.Metrics;

namespace MultiStore.Silo.Hosting;

/// <summary>
/// The silo's small HTTP side, on <see cref="HealthOptions.Port"/> when set: <see cref="LivePath"/> (the process
/// answers), <see cref="ReadyPath"/> (<see cref="SiloReadinessCheck"/>) and <see cref="MetricsPath"/> (Prometheus
/// text of Orleans' meter, MultiStore's, the runtime's and Npgsql's). It is a web application of its own inside the
/// silo host rather than a web host around the silo: the silo stays a plain generic host, and this one only borrows
/// the silo's status, its database pool and its logging. Registered before Orleans, it starts first (so a probe
/// reads "live, not ready" while the silo joins) and stops last (so "not ready" is visible while the silo leaves).
/// </summary>
public sealed partial class SiloHttpEndpoint(IServiceProvider silo, IOptions<HealthOptions> options, ILogger<SiloHttpEndpoint> logger)
    : IHostedService, IAsyncDisposable
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    public const string MetricsPath = "/metrics";

    /// <summary>The meters exported on <see cref="MetricsPath"/>.</summary>
    public static readonly string[] Meters = [MultiStoreMetrics.MeterName, MultiStoreMetrics.OrleansMeterName, "System.Runtime", "Npgsql"];

    private const string LiveTag = "live";
    private const string ReadyTag = "ready";
    private WebApplication? _app;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Value.Port is not { } port)
        {
            LogDisabled(logger, HealthOptions.SectionName);
            return;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(silo.GetRequiredService<ILoggerFactory>());
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenAnyIP(port));

        var status = silo.GetRequiredService<ISiloStatusOracle>();
        // Present in cluster mode only (UseDurableStorage); embedded silos keep their state in memory.
        var storage = silo.GetKeyedService<NpgsqlDataSource>(StorageNames.Store);
        builder.Services.AddHealthChecks()
            .AddCheck(LiveTag, () => HealthCheckResult.Healthy("The silo process answers."), tags: [LiveTag])
            .Add(new HealthCheckRegistration(ReadyTag, _ => new SiloReadinessCheck(status, storage), failureStatus: null, tags: [ReadyTag]));
        // No response cache: Prometheus scrapes every 15-30 s, and every scrape should read current values.
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(Meters)
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));

        _app = builder.Build();
        _app.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) });
        _app.MapHealthChecks(ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag) });
        _app.MapPrometheusScrapingEndpoint(MetricsPath);
        await _app.StartAsync(cancellationToken);
        LogListening(logger, port, LivePath, ReadyPath, MetricsPath);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _app?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo health and metrics on port {Port}: {Live}, {Ready}, {Metrics}")]
    private static partial void LogListening(ILogger logger, int port, string live, string ready, string metrics);

    [LoggerMessage(Level = LogLevel.Debug, Message = "No {Section}:Port set: the silo serves no health or metrics endpoint")]
    private static partial void LogDisabled(ILogger logger, string section);
}
