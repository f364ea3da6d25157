using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using Orleans.Configuration;
using Orleans.TestingHost;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// One silo wired like production, on a fake clock, whose stock entries let a test act just before an extension is
/// decided (<see cref="BeforeExtend"/>): what a cart's call meets when something happens between two of its calls;
/// and whose entries can fail a call outright (<see cref="FailNextIsStocked"/>), as an unreachable silo would.
/// </summary>
public sealed class StockCallHookCluster : InProcessCluster
{
    private readonly ExtendHook _hook = new();
    private readonly IsStockedFailure _isStockedFailure = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2030, 1, 1, 8, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// Runs <paramref name="act"/> once, inside the stock entry, before the next extension of a reservation that
    /// <paramref name="ofReservation"/> accepts is decided; then disarms.
    /// </summary>
    public void BeforeExtend(Func<string, bool> ofReservation, Action act) => _hook.Arm(ofReservation, act);

    /// <summary>Fails the next <see cref="IStockGrain.IsStockedAsync"/> call to <paramref name="entry"/>; then disarms.</summary>
    public void FailNextIsStocked(IStockGrain entry) => _isStockedFailure.Arm(entry.GetGrainId());

    protected override void Configure(InProcessTestClusterBuilder builder)
    {
        builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{ReservationOptions.SectionName}:{nameof(ReservationOptions.CartHold)}"] = ClusterFixture.CartHold.ToString("c"),
            [$"{ReservationOptions.SectionName}:{nameof(ReservationOptions.PaymentWindow)}"] = ClusterFixture.PaymentWindow.ToString("c"),
            [$"{ReservationOptions.SectionName}:{nameof(ReservationOptions.ExpiryGrace)}"] = ClusterFixture.ExpiryGrace.ToString("c"),
        }));
        builder.ConfigureSilo((_, silo) =>
        {
            // As in ClusterFixture: grains follow the fake clock, the runtime stays on real time.
            silo.Services.AddSingleton<TimeProvider>(Time);
            silo.Services.UseTimeProviderForBackgroundAreas(TimeProvider.System);
            silo.AddIncomingGrainCallFilter(_hook);
            silo.AddIncomingGrainCallFilter(_isStockedFailure);
            silo.AddMultiStoreGrains().UseEmbeddedStorage();
        });
    }

    public IStockGrain Stock(TenantId tenant, string sku, string zone = ClusterFixture.DefaultZone) =>
        Client.GetGrain<IStockGrain>(TenantKey.For(tenant, StockEntryId.Format(sku, zone)));

    private sealed class ExtendHook : IIncomingGrainCallFilter
    {
        private (Func<string, bool> OfReservation, Action Act)? _armed;

        public void Arm(Func<string, bool> ofReservation, Action act) => _armed = (ofReservation, act);

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (_armed is { } armed
                && context.InterfaceMethod is { Name: nameof(IStockGrain.ExtendAsync) } method
                && method.DeclaringType == typeof(IStockGrain)
                && context.Request.GetArgument(0) is string reservationId
                && armed.OfReservation(reservationId))
            {
                _armed = null;
                armed.Act();
            }

            return context.Invoke();
        }
    }

    private sealed class IsStockedFailure : IIncomingGrainCallFilter
    {
        private GrainId? _armed;

        public void Arm(GrainId entry) => _armed = entry;

        public Task Invoke(IIncomingGrainCallContext context)
        {
            if (_armed is { } entry
                && context.TargetId == entry
                && context.InterfaceMethod is { Name: nameof(IStockGrain.IsStockedAsync) } method
                && method.DeclaringType == typeof(IStockGrain))
            {
                _armed = null;
                throw new TimeoutException("The stock entry did not answer (test).");
            }

            return context.Invoke();
        }
    }
}
