using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Stock;
using MultiStore.Grains.Stock.Journal;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>
/// A low-stock alert reaches the store at least once and is stored once: an alert the store could not store, or whose
/// acknowledgement the entry never journaled, is raised again by the entry's next activation, and the store ignores a
/// repeat. The reservation path journals nothing more for it.
/// </summary>
public sealed class LowStockAlertRecoveryTests(FlakyAlertsCluster cluster) : IClassFixture<FlakyAlertsCluster>
{
    private const string Sku = "ALERT-RECOVERY";
    private static readonly TimeSpan Ttl = TimeSpan.FromDays(1);
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private IStockAlertsGrain Alerts => cluster.Client.GetGrain<IStockAlertsGrain>(TenantKey.For(_tenant, IStockAlertsGrain.EntityId));

    private IStockGrain Stock => cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, ClusterFixture.DefaultZone)));

    private string Stream => TenantKey.For(_tenant, StockEntryId.Format(Sku, ClusterFixture.DefaultZone));

    [Fact]
    public async Task AnAlertTheStoreCouldNotStore_IsRaisedAgainByTheEntrysNextActivation_AndStoredOnce()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        await LowEntryAsync();
        var alerts = Alerts.GetGrainId();
        cluster.Storage.FailWrites(alerts, StockGrain.AlertAttempts);

        await Stock.ReserveAsync("crossing", 6, Ttl); // available 4: alert

        // Every attempt of this activation fails; the clock moves it through its pauses until it gives up.
        await Eventually.HoldsAsync(() =>
        {
            cluster.Time.Advance(TimeSpan.FromSeconds(20));
            return !cluster.Storage.WillFail(alerts);
        });
        await Task.Delay(200);
        Assert.Empty(await Alerts.ListAsync(10));

        await cluster.Cluster.DeactivateAsync(Stock);
        await Stock.GetAsync();

        var raised = Assert.Single(await Eventually.ReadAsync(() => Alerts.ListAsync(10), list => list.Count > 0));
        Assert.Equal(new LowStockAlert(Sku, ClusterFixture.DefaultZone, 4, 5, raised.At, Number: 1), raised);
        await Eventually.HoldsAsync(async () => (await cluster.Journal.LoadAsync(Stream)).ToState().OutstandingAlerts is null);

        // Acknowledged: a later activation raises nothing more.
        await cluster.Cluster.DeactivateAsync(Stock);
        await Stock.GetAsync();
        await Task.Delay(200);
        Assert.Single(await Alerts.ListAsync(10));
    }

    [Fact]
    public async Task AnAlertTheStoreCouldNotStore_IsRaisedAgainWhenTheEntryWakes_WhileItStaysActive()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        await LowEntryAsync();
        var alerts = Alerts.GetGrainId();
        cluster.Storage.FailWrites(alerts, StockGrain.AlertAttempts);

        await Stock.ReserveAsync("crossing", 6, TimeSpan.FromHours(1)); // available 4: alert
        await Eventually.HoldsAsync(() =>
        {
            cluster.Time.Advance(TimeSpan.FromSeconds(20));
            return !cluster.Storage.WillFail(alerts);
        });
        await Task.Delay(200);
        Assert.Empty(await Alerts.ListAsync(10));

        // The hold falls due: the entry's own timer wakes it, and it tries the alert again.
        cluster.Time.Advance(TimeSpan.FromHours(1));

        var raised = Assert.Single(await Eventually.ReadAsync(() => Alerts.ListAsync(10), list => list.Count > 0));
        Assert.Equal((4, 5), (raised.Available, raised.ReorderPoint));
        await Eventually.HoldsAsync(async () => (await cluster.Journal.LoadAsync(Stream)).ToState().OutstandingAlerts is null);
    }

    [Fact]
    public async Task AnAlertStoredWhoseAcknowledgementWasLost_IsRaisedAgain_AndTheStoreKeepsOne()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        await LowEntryAsync();
        var probe = cluster.Journal.Watch(Stream);
        var alerts = Alerts.GetGrainId();
        // The first attempt fails, so the entry waits for the clock before its second: the test breaks the journal meanwhile.
        cluster.Storage.FailWrites(alerts, 1);

        await Stock.ReserveAsync("crossing", 6, Ttl);
        await Eventually.HoldsAsync(() => !cluster.Storage.WillFail(alerts));
        probe.Failing = true;

        // The store has the alert; the entry's acknowledgement is not durable, so the activation breaks.
        Assert.Single(await Eventually.ReadAsync(
            () =>
            {
                cluster.Time.Advance(TimeSpan.FromSeconds(1));
                return Alerts.ListAsync(10);
            },
            list => list.Count > 0));
        await Eventually.HoldsAsync(() => probe.Attempts.Any(batch => batch.Changes.Any(change => change.StoredAlertAt is not null)));
        Assert.DoesNotContain(probe.Written, batch => batch.Changes.Any(change => change.StoredAlertAt is not null));
        probe.Failing = false;

        // The next activation raises it again; the store ignores the repeat, and this time it is acknowledged.
        await NotDurableRetry.RunAsync(() => Stock.GetAsync());
        await Eventually.HoldsAsync(() => probe.Written.Any(batch => batch.Changes.Any(change => change.StoredAlertAt is not null)));
        var alert = Assert.Single(await Alerts.ListAsync(10));
        Assert.Equal((4, 5), (alert.Available, alert.ReorderPoint));
    }

    [Fact]
    public async Task TwoAlertsOfTheEntryAtTheSameTime_TheSecondStoredFirst_TheFirstIsStillRaisedAgain()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        await LowEntryAsync();
        var probe = cluster.Journal.Watch(Stream);
        var alerts = Alerts.GetGrainId();
        // The first alert's first attempt fails; its retry waits for the clock, which does not move in this test.
        cluster.Storage.FailWrites(alerts, 1);

        await Stock.ReserveAsync("first", 6, Ttl);                  // available 4: alert
        await Eventually.HoldsAsync(() => !cluster.Storage.WillFail(alerts));
        await Stock.AdjustAsync(ClusterFixture.SetOnHand(15));      // available 9: restocked
        await Stock.ReserveAsync("second", 6, Ttl);                 // available 3: alert, at the same time
        await Eventually.HoldsAsync(() => probe.Written.Any(batch => batch.Changes.Any(change => change.StoredAlertAt is not null)));

        // The entry's next activation raises again what is still outstanding: the first alert, never acknowledged.
        var outstanding = (await cluster.Journal.LoadAsync(Stream)).ToState().OutstandingAlerts;
        await cluster.Cluster.DeactivateAsync(Stock);
        await Stock.GetAsync();
        var stored = await Eventually.ReadAsync(() => Alerts.ListAsync(10), list => list.Count >= 2);

        var alert = Assert.Single(outstanding!);
        Assert.Equal((4, 5), (alert.Available, alert.ReorderPoint));
        // The second was stored first, the first on the next activation.
        Assert.Equal([(3, 2L), (4, 1L)], stored.Reverse().Select(raised => (raised.Available, raised.Number)));
        Assert.Single(stored.Select(raised => raised.At).Distinct());
    }

    [Fact]
    public async Task Reservations_JournalOneChangeEach_AndTheAlertOneAcknowledgement()
    {
        using var acting = ClusterFixture.ActAs(_tenant);
        await LowEntryAsync();
        var probe = cluster.Journal.Watch(Stream);

        await Stock.ReserveAsync("a", 1, Ttl);        // available 9
        await Stock.ReserveAsync("b", 1, Ttl);        // available 8
        await Stock.ReserveAsync("crossing", 4, Ttl); // available 4: alert
        await Eventually.HoldsAsync(() => probe.Written.Count == 4);
        await Stock.ReserveAsync("c", 1, Ttl);        // available 3: low, alerted already

        Assert.Single(await Alerts.ListAsync(10));
        var batches = probe.Written.Select(batch => batch.Changes.Select(Describe).ToList()).ToList();
        Assert.Equal([["hold a"], ["hold b"], ["hold crossing, raises alert"], ["stored alert"], ["hold c"]], batches);
    }

    /// <summary>An entry with 10 units and a reorder point of 5.</summary>
    private async Task LowEntryAsync()
    {
        await Stock.AdjustAsync(ClusterFixture.SetOnHand(10));
        await Stock.SetReorderPointAsync(5);
    }

    private static string Describe(StockChange change) => change switch
    {
        { Kind: StockChangeKind.Hold, RaisesAlert: true } => $"hold {change.ReservationId}, raises alert",
        { Kind: StockChangeKind.Hold } => $"hold {change.ReservationId}",
        { Kind: StockChangeKind.Settle, ReservationId: StockChange.NoReservation, StoredAlertAt: not null } => "stored alert",
        _ => change.ToString(),
    };
}
