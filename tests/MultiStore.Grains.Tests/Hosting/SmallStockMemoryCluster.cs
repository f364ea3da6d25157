using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Stock;
using MultiStore.Grains.Stock.Journal;
using Orleans.TestingHost;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// One silo wired like production whose stock entries remember only <see cref="SettledKept"/> settled reservations, so a
/// test reaches the limit in a few calls; on a fake clock and a journal a test can watch.
/// </summary>
public sealed class SmallStockMemoryCluster : InProcessCluster
{
    public const int SettledKept = 4;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero));

    public ProbeJournal Journal { get; } = new();

    protected override void Configure(InProcessTestClusterBuilder builder) =>
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<TimeProvider>(Time);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.Services.AddSingleton<IStockJournal>(Journal);
            // Before AddMultiStoreGrains, whose TryAdd then keeps it.
            silo.Services.AddSingleton(new StockEntryLimits { SettledReservations = SettledKept });
            silo.AddMultiStoreGrains().UseEmbeddedStorage();
        });

    public IStockGrain Stock(TenantId tenant, string sku) =>
        Client.GetGrain<IStockGrain>(TenantKey.For(tenant, StockEntryId.Format(sku, ClusterFixture.DefaultZone)));
}
