using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using MultiStore.Grains.Carts;
using MultiStore.Grains.Interfaces.Carts;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Interfaces.Warehouse;
using MultiStore.Grains.Tests.Hosting;
using Orleans.Metadata;
using Orleans.Runtime;

namespace MultiStore.Grains.Tests.Carts;

[Collection(ClusterCollection.Name)]
public sealed class CartGrainTests(ClusterFixture cluster)
{
    private const string Sku = "SOCK-BLU";
    private const string OtherSku = "SOCK-RED";
    private const string Zone = ClusterFixture.DefaultZone;

    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    [Fact]
    public async Task SetItemAsync_OnceAnswered_TheCartLeavesMemory_AndItsNextCallReadsTheStoredLine()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        await cart.SetItemAsync(Sku, Zone, 2);

        await cluster.WaitUntilDeactivatedAsync(cart);

        var line = Assert.Single((await cart.GetAsync())!.Lines);
        Assert.Equal(2, line.Quantity);
        Assert.True(line.IsHeld);
        Assert.Equal(2, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
    }

    [Fact]
    public async Task CallRefusedBeforeTheCart_LeavesAnActivation_ThatIsCollectedAfterTwoMinutesNotFifteen()
    {
        var cart = cluster.NewCart(_tenant);
        using (ClusterFixture.ActAs(ClusterFixture.NewTenant()))
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => cart.GetAsync());
        }

        // The refused call never reached the cart's own filter, so nothing deactivated it: its collection age must.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.NotNull(await cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(cart));
        var cartType = cart.GetGrainId().Type;
        var properties = cluster.Client.ServiceProvider.GetRequiredService<GrainPropertiesResolver>().GetGrainProperties(cartType);

        Assert.True(properties.Properties.TryGetValue(WellKnownGrainTypeProperties.IdleDeactivationPeriod, out var idle), "carts keep Orleans' default collection age");
        Assert.Equal(TimeSpan.FromMinutes(CartGrain.UnansweredIdleMinutes), TimeSpan.Parse(idle, CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task GetAsync_OnceAnswered_TheCartLeavesMemory()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        Assert.Null(await cart.GetAsync());

        await cluster.WaitUntilDeactivatedAsync(cart);
    }

    [Fact]
    public async Task GetAsync_NewCart_ReturnsNull()
    {
        using var _ = ClusterFixture.ActAs(_tenant);

        Assert.Null(await cluster.NewCart(_tenant).GetAsync());
    }

    [Fact]
    public async Task SetItemForShopperAsync_SkuNotStockedInTheZone_IsRefusedAndReservesNothing()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);

        var change = await cart.SetItemForShopperAsync(Sku, "elsewhere", 1, maxLines: 30);

        Assert.Equal((CartRefusal?)CartRefusal.NotStocked, change.Refusal);
        Assert.False(change.Succeeded);
        Assert.Empty(change.Cart.Lines);
        Assert.Null(await cart.GetAsync());
        Assert.Equal(0, (await cluster.Stock(_tenant, Sku, "elsewhere").GetAsync()).Reserved);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task SetItemForShopperAsync_ZeroNamingAnotherZone_RemovesTheLineWhereverItIs_AndARetryAnswersTheCart(bool otherZoneStocked)
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        if (otherZoneStocked)
        {
            await cluster.StockAsync(_tenant, Sku, 10, "east");
        }

        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        Assert.True((await cart.SetItemAsync(Sku, Zone, 2)).Succeeded);

        var removed = await cart.SetItemForShopperAsync(Sku, "east", 0, maxLines: 30);
        var retried = await cart.SetItemForShopperAsync(Sku, "east", 0, maxLines: 30);

        Assert.Equal((null, null, null), (removed.Refusal, retried.Refusal, removed.Shortage));
        Assert.Empty(removed.Cart.Lines);
        Assert.Empty(retried.Cart.Lines);
        Assert.Equal(0, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
    }

    [Fact]
    public async Task SetItemForShopperAsync_NoZone_UsesTheStoresDefaultZoneAtTheTimeOfTheCall()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        await cluster.StockAsync(_tenant, Sku, 10, "east");
        using var _ = ClusterFixture.ActAs(_tenant);
        var first = cluster.NewCart(_tenant);
        var fromMain = await first.SetItemForShopperAsync(Sku, zone: null, 1, maxLines: 30);

        await cluster.Client.GetGrain<IWarehouseGrain>(TenantKey.For(_tenant, IWarehouseGrain.EntityId)).PutZoneAsync("east", "East", makeDefault: true);
        var fromEast = await cluster.NewCart(_tenant).SetItemForShopperAsync(Sku, zone: null, 2, maxLines: 30);
        var removed = await first.SetItemForShopperAsync(Sku, zone: null, 0, maxLines: 30);

        Assert.Equal(Zone, Assert.Single(fromMain.Cart.Lines).Zone);
        Assert.Equal("east", Assert.Single(fromEast.Cart.Lines).Zone);
        Assert.Empty(removed.Cart.Lines);
        Assert.Equal(0, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
        Assert.Equal(2, (await cluster.Stock(_tenant, Sku, "east").GetAsync()).Reserved);
    }

    [Fact]
    public async Task SetItemForShopperAsync_NoZone_ForALineAlreadyInTheCart_ChangesItWhereItIs()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        await cluster.StockAsync(_tenant, Sku, 10, "east");
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        Assert.True((await cart.SetItemForShopperAsync(Sku, "east", 1, maxLines: 30)).Succeeded);

        var changed = await cart.SetItemForShopperAsync(Sku, zone: null, 3, maxLines: 30);

        Assert.Equal(("east", 3), (Assert.Single(changed.Cart.Lines).Zone, changed.Cart.Lines[0].Quantity));
        Assert.Equal(0, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
        Assert.Equal(3, (await cluster.Stock(_tenant, Sku, "east").GetAsync()).Reserved);
    }

    [Fact]
    public async Task SetItemForShopperAsync_NoZone_ZeroRepeated_ForALineOfAZoneTheDefaultDoesNotStock_AnswersTheCartBothTimes()
    {
        // A shopper's retry of a removal whose answer was lost: the line is gone, and the store's default zone, which the
        // retry would otherwise be judged against, does not stock the SKU.
        await cluster.StockAsync(_tenant, Sku, 10, "east");
        await cluster.StockAsync(_tenant, OtherSku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        Assert.True((await cart.SetItemForShopperAsync(Sku, "east", 2, maxLines: 30)).Succeeded);
        Assert.True((await cart.SetItemForShopperAsync(OtherSku, zone: null, 1, maxLines: 30)).Succeeded);

        var removed = await cart.SetItemForShopperAsync(Sku, zone: null, 0, maxLines: 30);
        var repeated = await cart.SetItemForShopperAsync(Sku, zone: null, 0, maxLines: 30);

        Assert.True(removed.Succeeded);
        Assert.True(repeated.Succeeded, $"the repeated removal was refused: {repeated.Refusal}");
        Assert.Equal(OtherSku, Assert.Single(repeated.Cart.Lines).Sku);
        Assert.Equal(removed.Cart.Lines, repeated.Cart.Lines);
        Assert.Equal(0, (await cluster.Stock(_tenant, Sku, "east").GetAsync()).Reserved);
    }

    [Fact]
    public async Task SetItemForShopperAsync_MovedToAZoneThatFallsShort_KeepsTheLineAndItsHoldWhereTheyWere()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        await cluster.StockAsync(_tenant, Sku, 2, "east");
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        var before = (await cart.SetItemForShopperAsync(Sku, Zone, 5, maxLines: 30)).Cart;

        var refused = await cart.SetItemForShopperAsync(Sku, "east", 5, maxLines: 30);
        var moved = await cart.SetItemForShopperAsync(Sku, "east", 2, maxLines: 30);

        Assert.Equal(new StockShortage(Sku, "east", 5, 2), refused.Shortage);
        Assert.Equal(before.Lines, refused.Cart.Lines);
        Assert.Equal(("east", 2), (Assert.Single(moved.Cart.Lines).Zone, moved.Cart.Lines[0].Quantity));
        Assert.Equal(0, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
        Assert.Equal(2, (await cluster.Stock(_tenant, Sku, "east").GetAsync()).Reserved);
    }

    [Fact]
    public async Task SetItemForShopperAsync_NewLineBeyondTheCap_IsRefusedButAnExistingLineStillChanges()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        await cluster.StockAsync(_tenant, OtherSku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        Assert.True((await cart.SetItemForShopperAsync(Sku, Zone, 1, maxLines: 1)).Succeeded);

        var refused = await cart.SetItemForShopperAsync(OtherSku, Zone, 1, maxLines: 1);
        var grown = await cart.SetItemForShopperAsync(Sku, Zone, 3, maxLines: 1);

        Assert.Equal((CartRefusal?)CartRefusal.CartFull, refused.Refusal);
        Assert.Equal(0, (await cluster.Stock(_tenant, OtherSku).GetAsync()).Reserved);
        Assert.True(grown.Succeeded);
        Assert.Equal(3, Assert.Single(grown.Cart.Lines).Quantity);
    }

    [Fact]
    public async Task SetItemAsync_NewLine_ReservesAtOnceForTheCartHold()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cartId = Guid.NewGuid().ToString("D");
        var cart = cluster.Cart(_tenant, cartId);

        var change = await cart.SetItemAsync(Sku, Zone, 2);

        Assert.True(change.Succeeded);
        Assert.Equal(cartId, change.Cart.CartId);
        var line = Assert.Single(change.Cart.Lines);
        Assert.Equal((Sku, Zone, 2, cluster.Now + ClusterFixture.CartHold, true), (line.Sku, line.Zone, line.Quantity, line.ExpiresAt, line.IsHeld));
        Assert.False(string.IsNullOrEmpty(line.ReservationId));
        Assert.False(change.Cart.IsCheckedOut);
        Assert.Equal(2, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
        Assert.Equal(change.Cart.Lines, (await cart.GetAsync())?.Lines);
    }

    [Fact]
    public async Task SetItemAsync_HigherQuantity_ReservesOnlyTheDifference()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        await cart.SetItemAsync(Sku, Zone, 2);

        var change = await cart.SetItemAsync(Sku, Zone, 5);

        Assert.True(change.Succeeded);
        Assert.Equal(5, Assert.Single(change.Cart.Lines).Quantity);
        var level = await cluster.Stock(_tenant, Sku).GetAsync();
        Assert.Equal((5, 5), (level.Reserved, level.Available));
    }

    [Fact]
    public async Task SetItemAsync_LowerQuantity_ReleasesTheDifference()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        await cart.SetItemAsync(Sku, Zone, 5);

        var change = await cart.SetItemAsync(Sku, Zone, 1);

        Assert.Equal(1, Assert.Single(change.Cart.Lines).Quantity);
        Assert.Equal(1, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
    }

    [Fact]
    public async Task SetItemAsync_ZeroQuantity_RemovesTheLineAndReleasesItsUnits()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        await cluster.StockAsync(_tenant, OtherSku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        await cart.SetItemAsync(Sku, Zone, 3);
        await cart.SetItemAsync(OtherSku, Zone, 1);

        var change = await cart.SetItemAsync(Sku, Zone, 0);

        Assert.True(change.Succeeded);
        Assert.Equal(OtherSku, Assert.Single(change.Cart.Lines).Sku);
        Assert.Equal(0, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
        Assert.Equal(1, (await cluster.Stock(_tenant, OtherSku).GetAsync()).Reserved);
    }

    [Fact]
    public async Task SetItemAsync_MoreThanAvailable_ReportsShortageAndLeavesCartUnchanged()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        await cluster.NewCart(_tenant).SetItemAsync(Sku, Zone, 8);
        var cart = cluster.NewCart(_tenant);
        await cluster.StockAsync(_tenant, OtherSku, 10);
        var before = (await cart.SetItemAsync(OtherSku, Zone, 1)).Cart;

        var change = await cart.SetItemAsync(Sku, Zone, 5);

        Assert.False(change.Succeeded);
        Assert.Equal(new StockShortage(Sku, Zone, 5, 2), change.Shortage);
        Assert.Equal(before.Lines, change.Cart.Lines);
        Assert.Equal(before.Lines, (await cart.GetAsync())?.Lines);
        Assert.Equal(8, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
    }

    [Fact]
    public async Task SetItemAsync_GrowingBeyondAvailable_ReportsShortageAndKeepsTheOldQuantity()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        var before = (await cart.SetItemAsync(Sku, Zone, 4)).Cart;

        var change = await cart.SetItemAsync(Sku, Zone, 12);

        Assert.False(change.Succeeded);
        Assert.Equal((Sku, Zone, 12), (change.Shortage!.Sku, change.Shortage.Zone, change.Shortage.Requested));
        Assert.Equal(before.Lines, change.Cart.Lines);
        Assert.Equal(before.Lines, (await cart.GetAsync())?.Lines);
        Assert.Equal(4, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
    }

    [Fact]
    public async Task SetItemAsync_FirstLineFallsShort_CartStaysEmpty()
    {
        await cluster.StockAsync(_tenant, Sku, 1);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);

        var change = await cart.SetItemAsync(Sku, Zone, 2);

        Assert.Equal(new StockShortage(Sku, Zone, 2, 1), change.Shortage);
        Assert.Empty(change.Cart.Lines);
        Assert.Empty((await cart.GetAsync())?.Lines ?? []);
        Assert.Equal(0, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
    }

    [Fact]
    public async Task RemoveItemAsync_ExistingLine_RemovesItAndReleasesItsUnits()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        await cart.SetItemAsync(Sku, Zone, 3);

        var view = await cart.RemoveItemAsync(Sku);

        Assert.NotNull(view);
        Assert.Empty(view.Lines);
        Assert.Equal(0, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
    }

    [Fact]
    public async Task RemoveItemAsync_CartThatDoesNotExist_ReturnsNull()
    {
        using var _ = ClusterFixture.ActAs(_tenant);

        Assert.Null(await cluster.NewCart(_tenant).RemoveItemAsync(Sku));
    }

    [Fact]
    public async Task GetAsync_AfterCartHoldPasses_LineIsNoLongerHeldAndUnitsReturn()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        await cart.SetItemAsync(Sku, Zone, 3);

        cluster.Time.Advance(ClusterFixture.CartHold + TimeSpan.FromMinutes(1));

        var level = await cluster.Stock(_tenant, Sku).GetAsync();
        Assert.Equal((0, 10), (level.Reserved, level.Available));
        var line = Assert.Single((await cart.GetAsync())!.Lines);
        Assert.Equal((3, false), (line.Quantity, line.IsHeld));
    }

    [Fact]
    public async Task CheckoutAsync_HeldLines_CreatesPendingOrderThatTakesOverTheReservations()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        await cluster.StockAsync(_tenant, OtherSku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        await cart.SetItemAsync(Sku, Zone, 2);
        var lines = (await cart.SetItemAsync(OtherSku, Zone, 3)).Cart.Lines;
        var checkedOutAt = cluster.Now;

        var result = await cart.CheckoutAsync();

        Assert.Null(result.Shortage);
        var order = Assert.IsType<OrderView>(result.Order);
        Assert.True(IdRules.IsUuid(order.OrderId));
        Assert.Equal(cart.GetPrimaryKeyString(), TenantKey.For(_tenant, order.CartId));
        Assert.Equal(OrderStatus.PendingPayment, order.Status);
        Assert.Equal(checkedOutAt + ClusterFixture.PaymentWindow, order.ExpiresAt);
        Assert.Null(order.ClosedAt);
        Assert.Equal(
            lines.Select(l => new OrderLine(l.Sku, l.Zone, l.Quantity, l.ReservationId)).OrderBy(l => l.Sku, StringComparer.Ordinal),
            order.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal));
        Assert.Equivalent(order, await cluster.Order(_tenant, order.OrderId).GetAsync());
        Assert.Equal(2, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
        Assert.Equal(3, (await cluster.Stock(_tenant, OtherSku).GetAsync()).Reserved);
    }

    [Fact]
    public async Task CheckoutAsync_Repeated_ReturnsTheSameOrder()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        await cart.SetItemAsync(Sku, Zone, 2);
        var first = await cart.CheckoutAsync();
        cluster.Time.Advance(TimeSpan.FromMinutes(1));

        var again = await cart.CheckoutAsync();

        Assert.False(first.AlreadyCheckedOut);
        Assert.Equivalent(first with { AlreadyCheckedOut = true }, again, strict: true);
        Assert.Equal(2, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
    }

    [Fact]
    public async Task CheckoutAsync_Done_ClosesTheCart()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        await cart.SetItemAsync(Sku, Zone, 2);
        var order = (await cart.CheckoutAsync()).Order!;

        var view = await cart.GetAsync();

        Assert.NotNull(view);
        Assert.True(view.IsCheckedOut);
        Assert.Equal(order.OrderId, view.OrderId);
        await StoreAssert.RefusedAsync(RuleCodes.CartClosed, () => cart.SetItemAsync(Sku, Zone, 5));
        Assert.Equal(2, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
    }

    [Fact]
    public async Task GetAsync_CheckedOutCart_ShowsItsLinesHeldUntilTheOrdersDeadline_AndNotOnceTheOrderCloses()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        await cluster.StockAsync(_tenant, OtherSku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        var cancelled = cluster.NewCart(_tenant);
        await cart.SetItemAsync(Sku, Zone, 2);
        await cancelled.SetItemAsync(OtherSku, Zone, 1);
        var order = (await cart.CheckoutAsync()).Order!;
        var cancelledOrder = (await cancelled.CheckoutAsync()).Order!;

        // Pending: held until the order's deadline, when its stock returns (not the grace the stock keeps past it).
        var pending = Assert.Single((await cart.GetAsync())!.Lines);
        Assert.Equal((order.ExpiresAt, true), (pending.ExpiresAt, pending.IsHeld));

        await cluster.Order(_tenant, cancelledOrder.OrderId).CancelAsync();
        cluster.Time.Advance(ClusterFixture.PaymentWindow);

        // Neither the cancelled order's line nor the expired one's holds anything now, though the grace has not passed.
        Assert.False(Assert.Single((await cancelled.GetAsync())!.Lines).IsHeld);
        Assert.False(Assert.Single((await cart.GetAsync())!.Lines).IsHeld);
        Assert.Equal(0, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
        Assert.Equal(0, (await cluster.Stock(_tenant, OtherSku).GetAsync()).Reserved);
    }

    [Fact]
    public async Task CheckoutAsync_CartNeverFilled_IsRefusedAsCartEmpty()
    {
        using var _ = ClusterFixture.ActAs(_tenant);

        await StoreAssert.RefusedAsync(RuleCodes.CartEmpty, () => cluster.NewCart(_tenant).CheckoutAsync());
    }

    [Fact]
    public async Task CheckoutAsync_AllLinesRemoved_IsRefusedAsCartEmpty()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        await cart.SetItemAsync(Sku, Zone, 2);
        await cart.RemoveItemAsync(Sku);

        await StoreAssert.RefusedAsync(RuleCodes.CartEmpty, () => cart.CheckoutAsync());

        Assert.False((await cart.GetAsync())?.IsCheckedOut);
    }

    [Fact]
    public async Task CheckoutAsync_ExpiredLineStillAvailable_ReservesItAgainAndCreatesOrder()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        await cart.SetItemAsync(Sku, Zone, 3);
        cluster.Time.Advance(ClusterFixture.CartHold + TimeSpan.FromMinutes(1));

        var result = await cart.CheckoutAsync();

        Assert.Null(result.Shortage);
        var line = Assert.Single(result.Order!.Lines);
        Assert.Equal((Sku, 3), (line.Sku, line.Quantity));
        Assert.Equal(3, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
        Assert.Equal(OrderStatus.Paid, (await cluster.Order(_tenant, result.Order.OrderId).PayAsync("pay-1")).Status);
        Assert.Equal(7, (await cluster.Stock(_tenant, Sku).GetAsync()).OnHand);
    }

    [Fact]
    public async Task CheckoutAsync_ExpiredLineNoLongerAvailable_ReportsShortageAndCreatesNoOrder()
    {
        await cluster.StockAsync(_tenant, Sku, 5);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        await cart.SetItemAsync(Sku, Zone, 3);
        cluster.Time.Advance(ClusterFixture.CartHold + TimeSpan.FromMinutes(1));
        Assert.True((await cluster.NewCart(_tenant).SetItemAsync(Sku, Zone, 4)).Succeeded);

        var result = await cart.CheckoutAsync();

        Assert.Null(result.Order);
        Assert.Equal(new StockShortage(Sku, Zone, 3, 1), result.Shortage);
        Assert.False((await cart.GetAsync())?.IsCheckedOut);
        Assert.Equal(4, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
    }

    [Fact]
    public async Task CheckoutAsync_AfterTheCartHoldWouldHaveEnded_OrderKeepsItsUnitsUntilPaid()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cart = cluster.NewCart(_tenant);
        await cart.SetItemAsync(Sku, Zone, 3);
        cluster.Time.Advance(TimeSpan.FromMinutes(1));
        var order = (await cart.CheckoutAsync()).Order!;

        // A full cart hold past the checkout, still inside the payment window: the checkout must have
        // extended the hold to the payment window, not merely refreshed the cart hold.
        cluster.Time.Advance(ClusterFixture.CartHold + TimeSpan.FromMinutes(1));

        Assert.Equal(3, (await cluster.Stock(_tenant, Sku).GetAsync()).Reserved);
        Assert.Equal(OrderStatus.Paid, (await cluster.Order(_tenant, order.OrderId).PayAsync("pay-1")).Status);
        Assert.Equal(new StockLevel(Sku, Zone, 7, 0, 0, true), await cluster.Stock(_tenant, Sku).GetAsync());
    }

    [Fact]
    public async Task CheckoutAsync_ALineHeldUnderAnEarlierAttemptsId_OrderEndsNoLaterThanAnyHoldLessTheGrace()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        await cluster.StockAsync(_tenant, OtherSku, 10);
        using var _ = ClusterFixture.ActAs(_tenant);
        var cartId = Guid.NewGuid().ToString("D");
        var cart = cluster.Cart(_tenant, cartId);
        await cart.SetItemAsync(Sku, Zone, 3);
        await cart.SetItemAsync(OtherSku, Zone, 1);
        // An earlier checkout held the line's next id for the payment window, then its cart write failed: the line
        // still names its first id, now given back, and the next checkout finds the earlier hold under the cart's next id
        // (one sequence per cart: the other line took the second).
        await cluster.Stock(_tenant, Sku).ReleaseAsync($"cart:{cartId}:{Sku}:1");
        var earlierHold = (await cluster.Stock(_tenant, Sku).ReserveAsync($"cart:{cartId}:{Sku}:3", 3, ClusterFixture.PaymentWindow + ClusterFixture.ExpiryGrace)).ExpiresAt!.Value;
        // Less than half the grace later, that hold is taken as it stands (no extension): it ends before Now + hold.
        cluster.Time.Advance(ClusterFixture.ExpiryGrace / 3);

        var order = (await cart.CheckoutAsync()).Order!;

        foreach (var line in order.Lines)
        {
            // A retry of the same reservation answers the hold as it stands, without changing it.
            var holdEnds = (await cluster.Stock(_tenant, line.Sku).ReserveAsync(line.ReservationId, line.Quantity, ClusterFixture.CartHold)).ExpiresAt!.Value;
            Assert.True(order.ExpiresAt <= holdEnds - ClusterFixture.ExpiryGrace, $"{line.Sku}: order ends {order.ExpiresAt:O}, hold {holdEnds:O}");
        }

        Assert.Equal($"cart:{cartId}:{Sku}:3", order.Lines.Single(line => line.Sku == Sku).ReservationId);
        Assert.Equal(earlierHold - ClusterFixture.ExpiryGrace, order.ExpiresAt);
    }
}
