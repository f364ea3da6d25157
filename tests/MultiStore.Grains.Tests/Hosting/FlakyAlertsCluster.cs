using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Stock.Journal;
using Orleans.TestingHost;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// One silo wired like production whose grain state lives in a <see cref="FlakyGrainStorage"/>, on a fake clock and a
/// <see cref="ProbeJournal"/>: a store that cannot store alerts for longer than a stock entry keeps retrying (the
/// entry's pauses pass only when the test moves the clock), and a journal that fails when the test says so. Webhook
/// deliveries reach a <see cref="WebhookProbe"/>, never the network, and reminders live in a <see cref="ProbeReminderTable"/>.
/// </summary>
public sealed class FlakyAlertsCluster : InProcessCluster
{
    /// <summary>The clock of every grain; it only moves when a test advances it.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero));

    public ProbeJournal Journal { get; } = new();

    public WebhookProbe Webhooks { get; } = new();

    public ProbeReminderTable Reminders { get; } = new();

    public FlakyGrainStorage Storage => this.FlakyStorage();

    protected override void Configure(InProcessTestClusterBuilder builder) =>
        builder.ConfigureSilo((_, silo) =>
        {
            // Registered before AddMultiStoreGrains, whose TryAdds then keep them (see ClusterFixture).
            silo.Services.AddSingleton<TimeProvider>(Time);
            silo.Services.AddSingleton<IStockJournal>(Journal);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.AddMultiStoreGrains().UseEmbeddedStorage().UseFlakyStorage();
            // After AddMultiStoreGrains: the last primary handler configured for the client is the one used.
            silo.Services.AddHttpClient(WebhookOptions.HttpClientName).ConfigurePrimaryHttpMessageHandler(Webhooks.NewHandler);
            // After UseEmbeddedStorage's in-memory reminder service: the reminder service asks the last table registered.
            silo.Services.AddSingleton<IReminderTable>(Reminders);
        });
}
