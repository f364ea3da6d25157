using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MultiStore.Grains.Hosting;
using Orleans.TestingHost;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// One silo wired like production with a short audit retention (<see cref="RetentionDays"/>) and few pages a run
/// (<see cref="PagesPerRun"/>), both from configuration, on a fake clock, and with grain state a test can look at.
/// </summary>
public sealed class AuditRetentionCluster : InProcessCluster
{
    public const int RetentionDays = 30;
    public const int PagesPerRun = 3;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero));

    public FlakyGrainStorage Storage => this.FlakyStorage();

    /// <summary>The reminders of the silo (in memory, on real time: tests tick them themselves).</summary>
    public IReminderTable Reminders => Cluster.Silos[0].SiloHost.Services.GetRequiredService<IReminderTable>();

    protected override void Configure(InProcessTestClusterBuilder builder)
    {
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{AuditOptions.SectionName}:{nameof(AuditOptions.RetentionDays)}"] = $"{RetentionDays}",
            [$"{AuditOptions.SectionName}:{nameof(AuditOptions.PagesPerRun)}"] = $"{PagesPerRun}",
        }));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<TimeProvider>(Time);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.AddMultiStoreGrains().UseEmbeddedStorage().UseFlakyStorage();
        });
    }
}
