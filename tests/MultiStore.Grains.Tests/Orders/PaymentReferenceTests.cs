using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Orders;

/// <summary>One capture pays one order: a payment reference is usable by a single order of its store.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PaymentReferenceTests(ClusterFixture cluster)
{
    private const string Sku = "CUP-BLUE";
    private const string OtherSku = "CUP-RED";
    private const string Zone = ClusterFixture.DefaultZone;

    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    [Fact]
    public async Task PayAsync_WithTheReferenceThatPaidAnotherOrder_IsRefused_AndChangesNothing()
    {
        var (first, second) = await TwoPendingOrdersAsync(_tenant);
        using var _ = ClusterFixture.ActAs(_tenant);
        await cluster.Order(_tenant, first.OrderId).PayAsync("cap-1");

        var refusal = await StoreAssert.RefusedAsync(RuleCodes.PaymentReferenceUsed, () => cluster.Order(_tenant, second.OrderId).PayAsync("cap-1"));

        Assert.Contains("another order", refusal.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(first.OrderId, refusal.Message, StringComparison.Ordinal);
        Assert.Equivalent(second, await cluster.Order(_tenant, second.OrderId).GetAsync(), strict: true);
        // The first order's 3 sold, the second's 3 still held.
        Assert.Equal(new StockLevel(Sku, Zone, 7, 3, 0, true), await cluster.Stock(_tenant, Sku).GetAsync());
        Assert.Equal(new StockLevel(OtherSku, Zone, 4, 2, 0, true), await cluster.Stock(_tenant, OtherSku).GetAsync());
    }

    [Fact]
    public async Task PayAsync_RepeatedByTheOrderItPaid_AfterAnotherOrderWasRefusedIt_AnswersThePaidOrder()
    {
        var (first, second) = await TwoPendingOrdersAsync(_tenant);
        using var _ = ClusterFixture.ActAs(_tenant);
        var paid = await cluster.Order(_tenant, first.OrderId).PayAsync("cap-1");
        await StoreAssert.RefusedAsync(RuleCodes.PaymentReferenceUsed, () => cluster.Order(_tenant, second.OrderId).PayAsync("cap-1"));

        var again = await cluster.Order(_tenant, first.OrderId).PayAsync("cap-1");

        Assert.Equivalent(paid, again, strict: true);
        Assert.Equal(7, (await cluster.Stock(_tenant, Sku).GetAsync()).OnHand);
    }

    [Fact]
    public async Task PayAsync_WithAReferenceAnotherStoreUsed_IsUnrelated()
    {
        var other = ClusterFixture.NewTenant();
        var (mine, _) = await TwoPendingOrdersAsync(_tenant);
        var (theirs, _) = await TwoPendingOrdersAsync(other);
        using (ClusterFixture.ActAs(other))
        {
            await cluster.Order(other, theirs.OrderId).PayAsync("cap-1");
        }

        using var _ = ClusterFixture.ActAs(_tenant);
        var paid = await cluster.Order(_tenant, mine.OrderId).PayAsync("cap-1");

        Assert.Equal((OrderStatus.Paid, "cap-1"), (paid.Status, paid.PaymentReference));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public async Task PayAsync_WithoutAReference_PaysAnyNumberOfOrders(string? none)
    {
        var (first, second) = await TwoPendingOrdersAsync(_tenant);
        using var _ = ClusterFixture.ActAs(_tenant);

        await cluster.Order(_tenant, first.OrderId).PayAsync(none);
        var paid = await cluster.Order(_tenant, second.OrderId).PayAsync(none);

        Assert.Equal((OrderStatus.Paid, null), (paid.Status, paid.PaymentReference));
    }

    [Fact]
    public async Task PayAsync_RefusedForLostStockAfterItsClaim_FreesTheReferenceForAnotherOrder()
    {
        var (first, second) = await TwoPendingOrdersAsync(_tenant);
        using var _ = ClusterFixture.ActAs(_tenant);
        // One line's hold is gone before payment (as after a clock jump past the stock's grace): the order expires.
        var lost = first.Lines.Single(line => line.Sku == OtherSku);
        await cluster.Stock(_tenant, OtherSku).ReleaseAsync(lost.ReservationId);
        await StoreAssert.RefusedAsync(RuleCodes.OrderExpired, () => cluster.Order(_tenant, first.OrderId).PayAsync("cap-1"));

        var paid = await cluster.Order(_tenant, second.OrderId).PayAsync("cap-1");

        Assert.Equal((OrderStatus.Paid, "cap-1"), (paid.Status, paid.PaymentReference));
    }

    [Fact]
    public async Task PayAsync_OfTwoOrdersAtOnceWithOneReference_PaysExactlyOne()
    {
        var (first, second) = await TwoPendingOrdersAsync(_tenant);
        using var _ = ClusterFixture.ActAs(_tenant);
        using var start = new Barrier(2);

        var outcomes = await Task.WhenAll(
            PayAtOnceAsync(first.OrderId, start),
            PayAtOnceAsync(second.OrderId, start));

        Assert.Equal(1, outcomes.Count(outcome => outcome is null));
        Assert.Equal(RuleCodes.PaymentReferenceUsed, Assert.Single(outcomes, outcome => outcome is not null));
        var statuses = new[] { (await cluster.Order(_tenant, first.OrderId).GetAsync())!.Status, (await cluster.Order(_tenant, second.OrderId).GetAsync())!.Status };
        Assert.Equal([OrderStatus.PendingPayment, OrderStatus.Paid], statuses.Order());
        Assert.Equal(new StockLevel(Sku, Zone, 7, 3, 0, true), await cluster.Stock(_tenant, Sku).GetAsync());
    }

    /// <summary>Pays <paramref name="orderId"/> with "cap-1" once both callers are ready; the refusal's code, or null when paid.</summary>
    private Task<string?> PayAtOnceAsync(string orderId, Barrier start) => Task.Run(async () =>
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        start.SignalAndWait();
        try
        {
            await cluster.Order(_tenant, orderId).PayAsync("cap-1");
            return null;
        }
        catch (StoreRuleException refusal)
        {
            return refusal.Code;
        }
    });

    /// <summary>Two pending orders of <paramref name="tenant"/>, each for 3 of 10 <see cref="Sku"/> and 2 of 6 <see cref="OtherSku"/>.</summary>
    private async Task<(OrderView First, OrderView Second)> TwoPendingOrdersAsync(TenantId tenant)
    {
        await cluster.StockAsync(tenant, Sku, 10);
        await cluster.StockAsync(tenant, OtherSku, 6);
        var first = await cluster.PlaceOrderAsync(tenant, (Sku, 3), (OtherSku, 2));
        var second = await cluster.PlaceOrderAsync(tenant, (Sku, 3), (OtherSku, 2));
        return (first, second);
    }
}
