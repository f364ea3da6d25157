using MultiStore.Grains.Interfaces.Carts;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Carts;

/// <summary>A checkout meeting a hold that ends between two of its calls to the stock.</summary>
public sealed class CartCheckoutTimingTests(StockCallHookCluster cluster) : IClassFixture<StockCallHookCluster>
{
    private const string Sku = "MUG-GRN";
    private const string Zone = ClusterFixture.DefaultZone;

    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    [Fact]
    public async Task CheckoutAsync_AnEarlierAttemptsHoldEndingBeforeItsExtension_ReservesUnderTheNextId()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = cluster.Stock(_tenant, Sku);
        await stock.AdjustAsync(ClusterFixture.SetOnHand(10));
        var cartId = Guid.NewGuid().ToString("D");
        var cart = cluster.Client.GetGrain<ICartGrain>(TenantKey.For(_tenant, cartId));
        Assert.True((await cart.SetItemAsync(Sku, Zone, 3)).Succeeded);
        // An earlier checkout reserved the line's next id, briefly, then its cart write failed: the line still names its
        // first id, given back since. The checkout finds that hold, too short for the payment window, and extends it.
        var earlier = $"cart:{cartId}:{Sku}:2";
        await stock.ReleaseAsync($"cart:{cartId}:{Sku}:1");
        Assert.True((await stock.ReserveAsync(earlier, 3, TimeSpan.FromMinutes(1))).IsHeld);
        // Its end passes just before the extension is decided.
        cluster.BeforeExtend(id => id == earlier, () => cluster.Time.Advance(TimeSpan.FromMinutes(2)));

        var checkout = await cart.CheckoutAsync();

        Assert.Null(checkout.Shortage);
        var order = Assert.IsType<OrderView>(checkout.Order);
        var line = Assert.Single(order.Lines);
        Assert.Equal($"cart:{cartId}:{Sku}:3", line.ReservationId);
        Assert.Equal(ReservationStatus.Expired, (await stock.ReleaseAsync(earlier)).Status);
        var held = await stock.ReserveAsync(line.ReservationId, 3, ClusterFixture.CartHold);
        Assert.True(order.ExpiresAt <= held.ExpiresAt - ClusterFixture.ExpiryGrace);
        Assert.Equal(new StockLevel(Sku, Zone, 10, 3, 0, true), await stock.GetAsync());
    }
}
