using MultiStore.Grains.Interfaces.Carts;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Carts;

/// <summary>
/// A line the cart still shows held whose hold the stock entry has let go (released, or ended before the cart's
/// recorded expiry), and may have forgotten for newer ones (entries here remember
/// <see cref="SmallStockMemoryCluster.SettledKept"/> settled reservations).
/// </summary>
public sealed class CartLostHoldTests(SmallStockMemoryCluster cluster) : IClassFixture<SmallStockMemoryCluster>
{
    private const string Sku = "MUG-GRN";
    private const string Zone = ClusterFixture.DefaultZone;

    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public async Task SetItemAsync_RaiseThatFallsShort_KeepsTheLine_HeldAgainIfItsUnitsAreStillFree(bool forgotten, bool stillFree)
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = cluster.Stock(_tenant, Sku);
        await stock.AdjustAsync(ClusterFixture.SetOnHand(5));
        var cart = cluster.Client.GetGrain<ICartGrain>(TenantKey.For(_tenant, Guid.NewGuid().ToString("D")));
        var lost = Assert.Single((await cart.SetItemAsync(Sku, Zone, 2)).Cart.Lines).ReservationId;
        await stock.ReleaseAsync(lost);
        if (forgotten)
        {
            await ChurnAsync(stock, SmallStockMemoryCluster.SettledKept);
            Assert.Equal(ReservationStatus.Unknown, (await stock.ReleaseAsync(lost)).Status);
        }

        // Another shopper takes units meanwhile: 3 stay free (the line's 2 fit), or 1 (they do not).
        Assert.True((await stock.ReserveAsync($"other-{Guid.NewGuid():N}", stillFree ? 2 : 4, TimeSpan.FromHours(1))).IsHeld);

        var change = await cart.SetItemAsync(Sku, Zone, 4);

        // The usual shortage: the line's own units plus what is free, as for a line whose hold is intact.
        Assert.Equal(new StockShortage(Sku, Zone, 4, stillFree ? 3 : 1), change.Shortage);
        var line = Assert.Single(change.Cart.Lines);
        Assert.Equal((2, stillFree), (line.Quantity, line.IsHeld));
        Assert.Equal(change.Cart.Lines, (await cart.GetAsync())!.Lines);
        Assert.Equal(4, (await stock.GetAsync()).Reserved);
        if (stillFree)
        {
            Assert.NotEqual(lost, line.ReservationId);
            var held = await stock.ReserveAsync(line.ReservationId, 2, TimeSpan.FromMinutes(1));
            Assert.Equal((ReservationStatus.Reserved, line.ExpiresAt), (held.Status, held.ExpiresAt));
        }
    }

    private static async Task ChurnAsync(IStockGrain stock, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var id = $"churn-{Guid.NewGuid():N}";
            await stock.ReserveAsync(id, 1, TimeSpan.FromMinutes(1));
            await stock.ReleaseAsync(id);
        }
    }
}
