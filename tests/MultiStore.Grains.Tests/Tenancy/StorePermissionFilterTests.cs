using System.Reflection;
using System.Text.RegularExpressions;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Tenancy;

/// <summary>
/// The silo checks what a caller may do, not only for which store: a call that acts for the right store but lacks
/// the permission its grain method declares is refused and changes nothing. Calls grains make to each other on their
/// own authority are not re-checked.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class StorePermissionFilterTests(ClusterFixture cluster)
{
    private const string Sku = "PERM-SKU";
    private static readonly string[] Support = [StorePermission.StockRead, StorePermission.OrdersRead, StorePermission.CartsRead];
    private static readonly string[] Warehouse = [StorePermission.StockRead, StorePermission.StockWrite];
    private static readonly string[] Shopper = [StorePermission.Shop];

    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    [Fact]
    public async Task AdjustAsync_CallerWithoutStockWrite_IsRefusedAndChangesNothing()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);

        foreach (var permissions in new[] { Support, Shopper, [StorePermission.OrdersPay], Array.Empty<string>() })
        {
            using (ActAs(permissions))
            {
                var refusal = await Assert.ThrowsAsync<StorePermissionException>(() => stock.AdjustAsync(ClusterFixture.SetOnHand(0)));
                Assert.Contains(StorePermission.StockWrite, refusal.Message, StringComparison.Ordinal);
            }
        }

        Assert.Equal(10, (await cluster.LevelAsync(_tenant, Sku)).OnHand);
    }

    [Fact]
    public async Task AdjustAsync_CallerWithStockWrite_IsAllowed()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);

        using (ActAs(Warehouse))
        {
            await stock.AdjustAsync(ClusterFixture.Delta(5));
        }

        Assert.Equal(15, (await cluster.LevelAsync(_tenant, Sku)).OnHand);
    }

    [Fact]
    public async Task Shopper_ReservesThroughACart_ButCannotTouchStockDirectly()
    {
        var stock = await cluster.StockAsync(_tenant, Sku, 10);
        var cart = cluster.NewCart(_tenant);

        using (ActAs(Shopper))
        {
            Assert.True((await cart.SetItemAsync(Sku, ClusterFixture.DefaultZone, 3)).Succeeded);
            Assert.Equal(7, (await stock.GetAsync()).Available);
            await Assert.ThrowsAsync<StorePermissionException>(() => stock.AdjustAsync(ClusterFixture.Delta(100)));
            await Assert.ThrowsAsync<StorePermissionException>(() => stock.ConfirmAsync("any"));
            await Assert.ThrowsAsync<StorePermissionException>(() => cluster.Sku(_tenant, Sku).AddZoneAsync("stolen"));
        }

        var level = await cluster.LevelAsync(_tenant, Sku);
        Assert.Equal((10, 3), (level.OnHand, level.Reserved));
    }

    [Fact]
    public async Task Support_ReadsCartsAndOrders_ButCannotPayOrShop()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        var placed = await cluster.PlaceOrderAsync(_tenant, (Sku, 2));
        var order = cluster.Order(_tenant, placed.OrderId);

        using (ActAs(Support))
        {
            Assert.Equal(OrderStatus.PendingPayment, (await order.GetAsync())!.Status);
            Assert.NotNull(await cluster.Cart(_tenant, placed.CartId).GetAsync());
            await Assert.ThrowsAsync<StorePermissionException>(() => order.PayAsync("support-pays"));
            await Assert.ThrowsAsync<StorePermissionException>(() => order.CancelAsync());
            await Assert.ThrowsAsync<StorePermissionException>(() => cluster.NewCart(_tenant).SetItemAsync(Sku, ClusterFixture.DefaultZone, 1));
        }

        var level = await cluster.LevelAsync(_tenant, Sku);
        Assert.Equal((10, 2), (level.OnHand, level.Reserved));
    }

    [Fact]
    public async Task OrderRead_ThatExpiresTheOrder_ReleasesStockOnTheGrainsOwnAuthority()
    {
        // Support may not release stock itself, but reading an order past its deadline makes the order release its
        // reservations: that grain-to-grain call must not be refused for the reader's lack of the shopper scope.
        await cluster.StockAsync(_tenant, Sku, 10);
        var placed = await cluster.PlaceOrderAsync(_tenant, (Sku, 4));
        var order = cluster.Order(_tenant, placed.OrderId);
        // No timer of a live activation may expire it first: the read below must be what does.
        await cluster.Cluster.DeactivateAsync(order);
        cluster.Time.Advance(ClusterFixture.PaymentWindow + TimeSpan.FromSeconds(1));

        using (ActAs(Support))
        {
            Assert.Equal(OrderStatus.Expired, (await order.GetAsync())!.Status);
        }

        Assert.Equal(0, (await cluster.LevelAsync(_tenant, Sku)).Reserved);
    }

    [Fact]
    public async Task Payment_ByACallerWithOrdersPay_ConfirmsStockThroughTheOrder()
    {
        await cluster.StockAsync(_tenant, Sku, 10);
        var placed = await cluster.PlaceOrderAsync(_tenant, (Sku, 2));

        using (ActAs([StorePermission.OrdersPay]))
        {
            Assert.Equal(OrderStatus.Paid, (await cluster.Order(_tenant, placed.OrderId).PayAsync("psp-1")).Status);
        }

        var level = await cluster.LevelAsync(_tenant, Sku);
        Assert.Equal((8, 0), (level.OnHand, level.Reserved));
    }

    [Fact]
    public async Task StoreProfile_IsReadableByAnyCallerOfTheStore_ButItsLifecycleIsPlatformOnly()
    {
        using (ClusterFixture.ActAsPlatform())
        {
            await cluster.Directory.CreateAsync(new TenantSpec(_tenant.Value, "Perm store", [$"{_tenant.Value}.perm.test"], "{}"));
        }

        using (ActAs(Shopper))
        {
            Assert.Equal(_tenant.Value, (await cluster.Store(_tenant).GetAsync())!.Id);
            await Assert.ThrowsAsync<TenantIsolationException>(() => cluster.Store(_tenant).SetStatusAsync(TenantStatus.Suspended));
        }
    }

    [Fact]
    public async Task Permissions_NeverOpenAnotherStore()
    {
        var other = ClusterFixture.NewTenant();
        var stock = await cluster.StockAsync(other, Sku, 10);

        using (TenantContext.ForCaller(_tenant, ClusterFixture.Actor, [StorePermission.StockWrite, StorePermission.System]))
        {
            // "*" is never accepted from a caller's permissions: only trusted code (ForTenant) holds it.
            Assert.False(TenantContext.HasPermission(StorePermission.System));
            await Assert.ThrowsAsync<TenantIsolationException>(() => stock.AdjustAsync(ClusterFixture.SetOnHand(0)));
        }

        Assert.Equal(10, (await cluster.LevelAsync(other, Sku)).OnHand);
    }

    [Fact]
    public void EveryTenantScopedGrainMethod_DeclaresWhoMayCallIt()
    {
        var undeclared = TenantScopedMethods()
            .Where(method => !method.IsDefined(typeof(RequiresPermissionAttribute), true)
                && !method.IsDefined(typeof(AnyStoreCallerAttribute), true)
                && method.GetCustomAttribute<PlatformAccessAttribute>(true) is not { PlatformOnly: true })
            .Select(Name)
            .ToList();

        Assert.True(
            undeclared.Count == 0,
            "These tenant-scoped grain methods declare no permission, so the silo refuses them to every caller from outside "
            + "the cluster. Add [RequiresPermission(StorePermission.X, ...)] (or [AnyStoreCaller] for data every caller of the "
            + "store may read) to each, see Grains.Interfaces/Tenancy/RequiresPermissionAttribute.cs:\n  "
            + string.Join("\n  ", undeclared));
    }

    [Fact]
    public void DeclaredPermissions_AreWellFormedNames()
    {
        var bad = TenantScopedMethods()
            .SelectMany(method => (method.GetCustomAttribute<RequiresPermissionAttribute>(true)?.AnyOf ?? []).Select(permission => (method, permission)))
            .Where(pair => !PermissionName().IsMatch(pair.permission))
            .Select(pair => $"{Name(pair.method)}: '{pair.permission}'")
            .ToList();

        Assert.True(bad.Count == 0, "Permission names are lowercase 'area.action' (or 'shop'); '*' is never declared:\n  " + string.Join("\n  ", bad));
        Assert.NotEmpty(TenantScopedMethods());
    }

    private IDisposable ActAs(IEnumerable<string> permissions) => TenantContext.ForCaller(_tenant, ClusterFixture.Actor, permissions);

    private static IEnumerable<MethodInfo> TenantScopedMethods() =>
        typeof(ITenantScopedGrain).Assembly.GetTypes()
            .Where(type => type.IsInterface && type != typeof(ITenantScopedGrain) && typeof(ITenantScopedGrain).IsAssignableFrom(type))
            .SelectMany(type => type.GetMethods());

    private static string Name(MethodInfo method) => $"{method.DeclaringType!.Name}.{method.Name}";

    [GeneratedRegex("^[a-z]+(\\.[a-z-]+)?$")]
    private static partial Regex PermissionName();
}
