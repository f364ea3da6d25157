using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Carts;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Stock.Journal;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// One in-process cluster of three silos wired exactly like production (<c>AddMultiStoreGrains().UseEmbeddedStorage()</c>),
/// shared by every test class in <see cref="ClusterCollection"/>. All silos read the same <see cref="FakeTimeProvider"/>,
/// so a test moves "now" for every grain at once and can predict each expiry to the tick.
/// </summary>
public sealed class ClusterFixture() : InProcessCluster(silos: 3)
{
    public const string Actor = "test-actor";
    public const string DefaultZone = "main";

    /// <summary>
    /// Deliberately not the defaults: tests that see these exact spans prove the "Reservations" section is bound.
    /// The cart hold is shorter than the payment window so a checkout must extend the holds it takes over.
    /// </summary>
    public static readonly TimeSpan CartHold = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan PaymentWindow = TimeSpan.FromMinutes(10);
    public static readonly TimeSpan ExpiryGrace = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan ExpirySweepInterval = TimeSpan.FromSeconds(2);

    /// <summary>The clock of every grain in the cluster; it only moves when a test advances it.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero));

    /// <summary>The stock journal every silo of this cluster shares; tests may watch a stream of their own.</summary>
    public ProbeJournal Journal { get; } = new();

    public DateTimeOffset Now => Time.GetUtcNow();

    protected override void Configure(InProcessTestClusterBuilder builder)
    {
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{ReservationOptions.SectionName}:{nameof(ReservationOptions.CartHold)}"] = CartHold.ToString("c"),
            [$"{ReservationOptions.SectionName}:{nameof(ReservationOptions.PaymentWindow)}"] = PaymentWindow.ToString("c"),
            [$"{ReservationOptions.SectionName}:{nameof(ReservationOptions.ExpiryGrace)}"] = ExpiryGrace.ToString("c"),
            [$"{ReservationOptions.SectionName}:{nameof(ReservationOptions.ExpirySweepInterval)}"] = ExpirySweepInterval.ToString("c"),
        }));
        builder.ConfigureSilo((_, silo) =>
        {
            // Registered before AddMultiStoreGrains, whose TryAdd then keeps it: grains and grain timers follow the
            // fake clock. Membership, messaging and reminders stay on real time, otherwise advancing the clock by
            // minutes would time out in-flight calls and declare silos dead.
            silo.Services.AddSingleton<TimeProvider>(Time);
            // One journal for all in-process silos, as one database would be: an entry reactivated on another
            // silo finds its history.
            silo.Services.AddSingleton<IStockJournal>(Journal);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(20));
            silo.AddMultiStoreGrains().UseEmbeddedStorage();
        });
        // A hung grain should fail its test, not stall the whole run for the default timeout.
        builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(20)));
    }

    /// <summary>A store nobody else uses: tests never see each other's grains.</summary>
    public static TenantId NewTenant() => TenantId.Parse($"t-{Guid.NewGuid():N}");

    /// <summary>Acts for <paramref name="tenant"/> until disposed; the context flows with every call made meanwhile.</summary>
    public static IDisposable ActAs(TenantId tenant) => TenantContext.ForTenant(tenant, Actor);

    public static IDisposable ActAsPlatform() => TenantContext.ForPlatform("platform-operator");

    public static StockAdjustment SetOnHand(int onHand, int safetyStock = 0) => new(null, onHand, safetyStock, "set");

    public static StockAdjustment Delta(int delta) => new(delta, null, null, "count");

    public IStockGrain Stock(TenantId tenant, string sku, string zone = DefaultZone) =>
        Client.GetGrain<IStockGrain>(TenantKey.For(tenant, StockEntryId.Format(sku, zone)));

    public ISkuGrain Sku(TenantId tenant, string sku) => Client.GetGrain<ISkuGrain>(TenantKey.For(tenant, sku));

    public ICartGrain Cart(TenantId tenant, string cartId) => Client.GetGrain<ICartGrain>(TenantKey.For(tenant, cartId));

    public ICartGrain NewCart(TenantId tenant) => Cart(tenant, Guid.NewGuid().ToString("D"));

    public IOrderGrain Order(TenantId tenant, string orderId) => Client.GetGrain<IOrderGrain>(TenantKey.For(tenant, orderId));

    public ITenantGrain Store(TenantId tenant) => Client.GetGrain<ITenantGrain>(TenantKey.For(tenant, ITenantGrain.EntityId));

    public ITenantDirectoryGrain Directory => Client.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key);

    public IHostNameGrain HostName(string host) => Client.GetGrain<IHostNameGrain>(host);

    /// <summary>Creates a stock entry with <paramref name="onHand"/> units, acting for its own tenant.</summary>
    public async Task<IStockGrain> StockAsync(TenantId tenant, string sku, int onHand, string zone = DefaultZone)
    {
        var stock = Stock(tenant, sku, zone);
        using (ActAs(tenant))
        {
            await stock.AdjustAsync(SetOnHand(onHand));
        }

        return stock;
    }

    /// <summary>Reads a stock entry acting for its own tenant.</summary>
    public async Task<StockLevel> LevelAsync(TenantId tenant, string sku, string zone = DefaultZone)
    {
        using (ActAs(tenant))
        {
            return await Stock(tenant, sku, zone).GetAsync();
        }
    }

    /// <summary>Waits until no silo of the cluster holds an activation of <paramref name="grain"/> (at most 30 s).</summary>
    public async Task WaitUntilDeactivatedAsync(IAddressable grain)
    {
        var management = Client.GetGrain<IManagementGrain>(0);
        var id = grain.GetGrainId();
        // Asked of the silos' activations, not of the grain directory: an activation that is gone may leave its
        // directory entry behind for a while when the unregistration between two silos is slow (two busy cores).
        // Deactivation is prompt; the bound is generous because the suite shares two cores with other test processes.
        var left = await Eventually.ReadAsync(
            async () => (await management.GetDetailedGrainStatistics()).Count(activation => activation.GrainId == id),
            count => count == 0,
            TimeSpan.FromSeconds(30));
        Assert.True(left == 0, $"{id} was still active 30 s after its call was answered");
    }

    /// <summary>Fills a new cart with the given lines and checks it out, returning the pending order.</summary>
    public async Task<OrderView> PlaceOrderAsync(TenantId tenant, params (string Sku, int Quantity)[] lines)
    {
        using (ActAs(tenant))
        {
            var cart = NewCart(tenant);
            foreach (var (sku, quantity) in lines)
            {
                var change = await cart.SetItemAsync(sku, DefaultZone, quantity);
                Assert.True(change.Succeeded, $"Setting {quantity} x {sku} fell short: {change.Shortage}");
            }

            var checkout = await cart.CheckoutAsync();
            Assert.Null(checkout.Shortage);
            return Assert.IsType<OrderView>(checkout.Order);
        }
    }
}
