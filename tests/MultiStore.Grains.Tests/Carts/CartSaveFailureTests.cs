using MultiStore.Grains.Carts;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Orders;
using MultiStore.Grains.Interfaces.Carts;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;
using Orleans.Storage;

namespace MultiStore.Grains.Tests.Carts;

/// <summary>A cart whose save failed after its stock entry said yes: the shopper's next try still gets the units.</summary>
public sealed class CartSaveFailureTests(FlakyStorageCluster cluster) : IClassFixture<FlakyStorageCluster>
{
    private const string Sku = "CUP-RED";
    private const string Zone = ClusterFixture.DefaultZone;
    private const string OtherZone = "north";

    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    [Fact]
    public async Task SetItemAsync_NewLineWhoseSaveFailed_GivesItsHoldBack_AndARetryReservesUnderAFreshId()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, Zone)));
        await stock.AdjustAsync(ClusterFixture.SetOnHand(5));
        var cartId = Guid.NewGuid().ToString("D");
        var cart = cluster.Client.GetGrain<ICartGrain>(TenantKey.For(_tenant, cartId));
        cluster.Storage.FailNextWrite(cart.GetGrainId());
        await Assert.ThrowsAnyAsync<Exception>(() => cart.SetItemAsync(Sku, Zone, 2));
        // The stock said yes before the cart's write failed. Kept until it expired (a retry under the same id took it
        // back), those units were held for a line the shopper was told failed, unsold to anyone for a whole cart hold
        // if the shopper left; the cart gives them back, as it does for a move whose write failed.
        var given = $"cart:{cartId}:{Sku}:1";
        Assert.Equal(0, (await stock.GetAsync()).Reserved);
        Assert.Equal(ReservationStatus.Released, (await stock.ReleaseAsync(given)).Status);

        var change = await cart.SetItemAsync(Sku, Zone, 2);

        Assert.True(change.Succeeded, $"fell short: {change.Shortage}");
        Assert.Equal($"cart:{cartId}:{Sku}:2", Assert.Single(change.Cart.Lines).ReservationId);
        Assert.Equal(3, (await stock.GetAsync()).Available);
    }

    [Fact]
    public async Task SetItemAsync_AfterManyFailedSavesOfANewLine_ReservesOnceStorageRecovers()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, Zone)));
        await stock.AdjustAsync(ClusterFixture.SetOnHand(5));
        var cart = NewCart();
        // Storage refuses the cart's writes for a while (reads still work): every try took an id, then gave it back, and
        // none of them moved the cart's stored sequence. Far more tries than a cart could step over one by one.
        const int failedSaves = 40;
        cluster.Storage.FailWrites(cart.GetGrainId(), failedSaves);
        for (var attempt = 0; attempt < failedSaves; attempt++)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => cart.SetItemAsync(Sku, Zone, 2));
        }

        var change = await cart.SetItemAsync(Sku, Zone, 2);

        Assert.True(change.Succeeded, $"fell short: {change.Shortage}");
        var line = Assert.Single(change.Cart.Lines);
        Assert.Equal((2, true), (line.Quantity, line.IsHeld));
        Assert.Equal(line.ReservationId, Assert.Single((await cart.GetAsync())!.Lines).ReservationId);
        // Held under an id of its own (the stock holds it for 2), and nothing else is held.
        Assert.Equal((ReservationStatus.Reserved, 2), await HeldAsync(stock, line.ReservationId));
        Assert.Equal(new StockLevel(Sku, Zone, 5, 2, 0, true), await stock.GetAsync());
    }

    [Fact]
    public async Task SetItemAsync_AfterARunOfSettledIds_ReservesUnderTheFirstIdPastTheRun()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, Zone)));
        await stock.AdjustAsync(ClusterFixture.SetOnHand(5));
        var cartId = Guid.NewGuid().ToString("D");
        var cart = cluster.Client.GetGrain<ICartGrain>(TenantKey.For(_tenant, cartId));
        // Thirteen attempts whose cart writes failed, each settled at the stock under the next id.
        const int settled = 13;
        for (var sequence = 1; sequence <= settled; sequence++)
        {
            var id = $"cart:{cartId}:{Sku}:{sequence}";
            Assert.True((await stock.ReserveAsync(id, 1, ClusterFixture.CartHold)).IsHeld);
            await stock.ReleaseAsync(id);
        }

        var change = await cart.SetItemAsync(Sku, Zone, 2);

        // The first id past the run, so that the ids a cart has used stay one run, found in a few asks next time too.
        Assert.Equal($"cart:{cartId}:{Sku}:{settled + 1}", Assert.Single(change.Cart.Lines).ReservationId);
        Assert.Equal(new StockLevel(Sku, Zone, 5, 2, 0, true), await stock.GetAsync());
    }

    [Fact]
    public async Task SetItemAsync_NewLineStoredButWhoseAnswerWasLost_KeepsItsHold()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, Zone)));
        await stock.AdjustAsync(ClusterFixture.SetOnHand(5));
        var cart = NewCart();
        cluster.Storage.LoseNextWriteAnswer(cart.GetGrainId());
        await Assert.ThrowsAnyAsync<Exception>(() => cart.SetItemAsync(Sku, Zone, 2));

        var line = Assert.Single((await cart.GetAsync())!.Lines);

        Assert.Equal((2, true), (line.Quantity, line.IsHeld));
        Assert.Equal(2, (await stock.GetAsync()).Reserved);
    }

    [Fact]
    public async Task CheckoutAsync_AfterAResizeWhoseSaveFailed_NeverOrdersUnitsTheStockDoesNotHold()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var (stock, cart) = await CartWhoseResizeWasNotSavedAsync();

        var checkout = await cart.CheckoutAsync();

        Assert.Null(checkout.Order);
        Assert.Equal(new StockShortage(Sku, Zone, 5, 2), checkout.Shortage);
        Assert.Equal(new StockLevel(Sku, Zone, 10, 10, 0, true), await stock.GetAsync());
    }

    [Fact]
    public async Task SetItemAsync_SameQuantityAfterAResizeWhoseSaveFailed_TakesWhatTheStockHolds()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var (stock, cart) = await CartWhoseResizeWasNotSavedAsync();

        var change = await cart.SetItemAsync(Sku, Zone, 5);

        Assert.Equal(new StockShortage(Sku, Zone, 5, 2), change.Shortage);
        Assert.Equal(2, Assert.Single(change.Cart.Lines).Quantity);
        Assert.Equal(2, Assert.Single((await cart.GetAsync())!.Lines).Quantity);
        Assert.Equal(new StockLevel(Sku, Zone, 10, 10, 0, true), await stock.GetAsync());
    }

    [Fact]
    public async Task SetItemAsync_SameQuantityAfterAResizeWhoseSaveFailed_TakesTheStocksExpiryToo()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var (stock, cart) = await CartWhoseResizeWasNotSavedAsync();
        var reservationId = Assert.Single((await cart.GetAsync())!.Lines).ReservationId;

        // The stock extends the hold it has (2) before it finds no room for 5: the line must end when that hold does,
        // or the cart shows it released while the stock still holds its units.
        await cart.SetItemAsync(Sku, Zone, 5);

        var line = Assert.Single((await cart.GetAsync())!.Lines);
        var held = await stock.ReserveAsync(reservationId, 2, TimeSpan.FromMinutes(1));
        Assert.Equal((ReservationStatus.Reserved, 2), (held.Status, line.Quantity));
        Assert.Equal(held.ExpiresAt, line.ExpiresAt);
    }

    [Fact]
    public async Task SetItemAsync_AfterARemovalWhoseSaveFailed_ReservesAgain_InsteadOfReportingAShortage()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, Zone)));
        await stock.AdjustAsync(ClusterFixture.SetOnHand(10));
        var cart = NewCart();
        Assert.True((await cart.SetItemAsync(Sku, Zone, 2)).Succeeded);
        // The cart's write failed: the cart still has the line, and the stock still holds it.
        cluster.Storage.FailNextWrite(cart.GetGrainId());
        await Assert.ThrowsAnyAsync<Exception>(() => cart.RemoveItemAsync(Sku));

        var change = await cart.SetItemAsync(Sku, Zone, 3);

        Assert.True(change.Succeeded, $"fell short: {change.Shortage}");
        Assert.Equal(3, Assert.Single(change.Cart.Lines).Quantity);
        Assert.Equal(7, (await stock.GetAsync()).Available);
    }

    [Theory]
    [InlineData("move")]
    [InlineData("set-zero")]
    [InlineData("delete")]
    public async Task AChangeWhoseSaveFailed_LeavesTheOldLineHeldInTheCartAndInTheStock(string change)
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var (stock, elsewhere, cart) = await CartWithALineOfTwoAsync();
        cluster.Storage.FailNextWrite(cart.GetGrainId());
        await Assert.ThrowsAnyAsync<Exception>(() => change switch
        {
            "move" => cart.SetItemAsync(Sku, OtherZone, 2),
            "set-zero" => cart.SetItemAsync(Sku, Zone, 0),
            _ => cart.RemoveItemAsync(Sku),
        });

        var shown = Assert.Single((await cart.GetAsync())!.Lines);

        // The cart shows what storage holds, and the stock holds exactly that: nothing else, nothing less.
        Assert.Equal((Zone, 2, true), (shown.Zone, shown.Quantity, shown.IsHeld));
        Assert.Equal(2, (await stock.GetAsync()).Reserved);
        Assert.Equal(0, (await elsewhere.GetAsync()).Reserved);
    }

    [Theory]
    [InlineData("move")]
    [InlineData("delete")]
    public async Task AChangeStoredButWhoseAnswerWasLost_GivesBackTheHoldTheCartNoLongerNames(string change)
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var (stock, elsewhere, cart) = await CartWithALineOfTwoAsync();
        cluster.Storage.LoseNextWriteAnswer(cart.GetGrainId());
        await Assert.ThrowsAnyAsync<Exception>(() => change == "move" ? cart.SetItemAsync(Sku, OtherZone, 2) : cart.RemoveItemAsync(Sku));

        var lines = (await cart.GetAsync())!.Lines;

        (string Zone, int Quantity)[] expected = change == "move" ? [(OtherZone, 2)] : [];
        Assert.Equal(expected, lines.Select(line => (line.Zone, line.Quantity)).ToArray());
        Assert.Equal(0, (await stock.GetAsync()).Reserved);
        Assert.Equal(change == "move" ? 2 : 0, (await elsewhere.GetAsync()).Reserved);
    }

    [Fact]
    public async Task CheckoutAsync_RetriedAfterItsOrderWasPlacedButNotRecorded_TakesThatOrderAndHoldsNothingMore()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, Zone)));
        await stock.AdjustAsync(ClusterFixture.SetOnHand(5));
        var cart = cluster.Client.GetGrain<ICartGrain>(TenantKey.For(_tenant, Guid.NewGuid().ToString("D")));
        Assert.True((await cart.SetItemAsync(Sku, Zone, 2)).Succeeded);
        // Checkout writes the cart twice: before placing the order (its id) and after (the order placed). The second fails.
        cluster.Storage.FailNextWrite(cart.GetGrainId(), succeeding: 1);
        await Assert.ThrowsAnyAsync<Exception>(() => cart.CheckoutAsync());
        // The order was placed under the id the first write stored.
        var order = cluster.Storage.Stored<CartState>("cart", cart.GetGrainId())?.PendingOrderId;
        Assert.NotNull(order);
        await cluster.Client.GetGrain<IOrderGrain>(TenantKey.For(_tenant, order)).PayAsync("pay-1");

        var retried = await cart.CheckoutAsync();

        Assert.Equal((order, OrderStatus.Paid), (retried.Order?.OrderId, retried.Order?.Status));
        Assert.Equal(new StockLevel(Sku, Zone, 3, 0, 0, true), await stock.GetAsync());
        Assert.Equal(order, (await cart.GetAsync())?.OrderId);
    }

    [Fact]
    public async Task ACheckoutWhoseOrderWasNeverPlaced_ThenFellShort_LeavesTheCartOpenToFixAndCheckOut()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, Zone)));
        await stock.AdjustAsync(ClusterFixture.SetOnHand(5));
        var cart = NewCart();
        Assert.True((await cart.SetItemAsync(Sku, Zone, 2)).Succeeded);
        // The cart stores its order's id, then placing that order fails.
        cluster.Storage.FailNextWriteOf("order");
        await Assert.ThrowsAnyAsync<Exception>(() => cart.CheckoutAsync());
        // Meanwhile the line's hold ends and another shopper takes every unit: the retry falls short.
        await stock.ReleaseAsync(Assert.Single((await cart.GetAsync())!.Lines).ReservationId);
        Assert.True((await stock.ReserveAsync("someone-else", 4, TimeSpan.FromMinutes(5))).IsHeld);
        Assert.NotNull((await cart.CheckoutAsync()).Shortage);

        var fixedCart = await cart.SetItemAsync(Sku, Zone, 1);
        var checkout = await cart.CheckoutAsync();

        Assert.True(fixedCart.Succeeded, $"fell short: {fixedCart.Shortage}");
        Assert.Equal(OrderStatus.PendingPayment, checkout.Order?.Status);
        Assert.Equal(1, Assert.Single(checkout.Order!.Lines).Quantity);
        Assert.Equal(new StockLevel(Sku, Zone, 5, 5, 0, true), await stock.GetAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ACartThatReopensAfterItsOrderWasNeverPlaced_AbandonsThatOrder_SoALatePlacementOfItIsRefused(bool reopenedByCheckout)
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, Zone)));
        await stock.AdjustAsync(ClusterFixture.SetOnHand(5));
        var cart = NewCart();
        Assert.True((await cart.SetItemAsync(Sku, Zone, 2)).Succeeded);
        cluster.Storage.FailNextWriteOf("order");
        await Assert.ThrowsAnyAsync<Exception>(() => cart.CheckoutAsync());
        var unplaced = cluster.Storage.Stored<CartState>("cart", cart.GetGrainId())!.PendingOrderId!;
        var line = Assert.Single((await cart.GetAsync())!.Lines);

        // The shopper goes on: the cart checks out again, or reopens for an edit and then checks out.
        if (!reopenedByCheckout)
        {
            Assert.True((await cart.SetItemAsync(Sku, Zone, 3)).Succeeded);
        }

        var checkout = await cart.CheckoutAsync();

        // Meanwhile a second activation of the first order, which had read "no order" before the cart went on (briefly
        // possible around a silo's failure), writes its placement, holding the cart's reservation.
        var order = cluster.Client.GetGrain<IOrderGrain>(TenantKey.For(_tenant, unplaced));
        var orderLines = new[] { new OrderLine(Sku, Zone, 2, line.ReservationId, 0m) };
        var late = new GrainState<OrderState>(new OrderState
        {
            Order = new OrderView(unplaced, cart.GetPrimaryKeyString(), OrderStatus.PendingPayment, orderLines, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddMinutes(15), null, null, "EUR"),
        });
        await Assert.ThrowsAsync<InconsistentStateException>(() => cluster.Storage.WriteStateAsync("order", order.GetGrainId(), late));
        var placedAgain = await Assert.ThrowsAsync<StoreRuleException>(() => order.PlaceAsync(cart.GetPrimaryKeyString(), orderLines, "EUR", DateTimeOffset.UtcNow.AddMinutes(15)));

        Assert.Equal(RuleCodes.CartClosed, placedAgain.Code);
        Assert.Null(await order.GetAsync());
        Assert.NotEqual(unplaced, checkout.Order?.OrderId);
        Assert.Equal(OrderStatus.PendingPayment, checkout.Order?.Status);
        Assert.Equal(reopenedByCheckout ? 2 : 3, (await stock.GetAsync()).Reserved);
    }

    [Fact]
    public async Task GetAsync_AfterAResizeWhoseSaveFailed_ShowsTheLineAsStored()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var stock = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, Zone)));
        await stock.AdjustAsync(ClusterFixture.SetOnHand(10));
        var cart = NewCart();
        Assert.True((await cart.SetItemAsync(Sku, Zone, 2)).Succeeded);
        // The stock resizes the hold (a new quantity and a later expiry), then the cart's write of both fails.
        cluster.Storage.FailNextWrite(cart.GetGrainId());
        await Assert.ThrowsAnyAsync<Exception>(() => cart.SetItemAsync(Sku, Zone, 3));

        var shown = Assert.Single((await cart.GetAsync())!.Lines);

        var stored = cluster.Storage.Stored<CartState>("cart", cart.GetGrainId())!.Lines[Sku];
        Assert.Equal((stored.Quantity, stored.ExpiresAt), (shown.Quantity, shown.ExpiresAt));
        Assert.Equal(2, shown.Quantity);
    }

    /// <summary>
    /// A cart whose line of 5 the stock resized to 2 before the cart's write failed (the cart still says 5), in a
    /// stock of 10 whose 8 other units another cart then took.
    /// </summary>
    private async Task<(IStockGrain Stock, ICartGrain Cart)> CartWhoseResizeWasNotSavedAsync()
    {
        var stock = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, Zone)));
        await stock.AdjustAsync(ClusterFixture.SetOnHand(10));
        var cart = NewCart();
        Assert.True((await cart.SetItemAsync(Sku, Zone, 5)).Succeeded);
        cluster.Storage.FailNextWrite(cart.GetGrainId());
        await Assert.ThrowsAnyAsync<Exception>(() => cart.SetItemAsync(Sku, Zone, 2));
        Assert.True((await NewCart().SetItemAsync(Sku, Zone, 8)).Succeeded);
        return (stock, cart);
    }

    /// <summary>A cart holding 2 units in <see cref="Zone"/>; both zones stock 10.</summary>
    private async Task<(IStockGrain Stock, IStockGrain Elsewhere, ICartGrain Cart)> CartWithALineOfTwoAsync()
    {
        var stock = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, Zone)));
        var elsewhere = cluster.Client.GetGrain<IStockGrain>(TenantKey.For(_tenant, StockEntryId.Format(Sku, OtherZone)));
        await stock.AdjustAsync(ClusterFixture.SetOnHand(10));
        await elsewhere.AdjustAsync(ClusterFixture.SetOnHand(10));
        var cart = NewCart();
        Assert.True((await cart.SetItemAsync(Sku, Zone, 2)).Succeeded);
        return (stock, elsewhere, cart);
    }

    /// <summary>What the stock holds under <paramref name="reservationId"/>, read by extending it briefly.</summary>
    private static async Task<(ReservationStatus, int)> HeldAsync(IStockGrain stock, string reservationId)
    {
        var held = await stock.ExtendAsync(reservationId, TimeSpan.FromMinutes(5));
        return (held.Status, held.Quantity);
    }

    private ICartGrain NewCart() => cluster.Client.GetGrain<ICartGrain>(TenantKey.For(_tenant, Guid.NewGuid().ToString("D")));
}
