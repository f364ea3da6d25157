using MultiStore.Grains.Interfaces.Carts;
using MultiStore.Grains.Interfaces.Orders;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Storefront;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Interfaces.Warehouse;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Tenancy;

/// <summary>
/// Every tenant-scoped grain is called from a foreign store in both directions (A→B and B→A); each refused call
/// must leave the target exactly as it was. A missing tenant is an error, never "all tenants".
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TenantIsolationTests(ClusterFixture cluster)
{
    private const string Sku = "MUG-WHT";
    private static readonly TimeSpan Ttl = TimeSpan.FromMinutes(5);

    private readonly TenantId _a = ClusterFixture.NewTenant();
    private readonly TenantId _b = ClusterFixture.NewTenant();

    public static TheoryData<bool> Directions => new() { true, false };

    [Theory]
    [MemberData(nameof(Directions))]
    public async Task StockGrain_CalledForAnotherTenant_IsRefusedAndChangesNothing(bool aCallsB)
    {
        var (caller, owner) = aCallsB ? (_a, _b) : (_b, _a);
        await cluster.StockAsync(caller, Sku, 7);
        var target = await cluster.StockAsync(owner, Sku, 10);
        using (ClusterFixture.ActAs(owner))
        {
            await target.ReserveAsync("owner-r", 2, Ttl);
        }

        using (ClusterFixture.ActAs(caller))
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.GetAsync());
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.AdjustAsync(ClusterFixture.SetOnHand(0)));
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.ReserveAsync("thief", 1, Ttl));
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.ConfirmAsync("owner-r"));
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.ReleaseAsync("owner-r"));
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.ExtendAsync("owner-r", TimeSpan.FromDays(1)));
        }

        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 10, 2, 0, true), await cluster.LevelAsync(owner, Sku));
        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 7, 0, 0, true), await cluster.LevelAsync(caller, Sku));
        using (ClusterFixture.ActAs(owner))
        {
            Assert.Equal(ReservationStatus.Unknown, (await target.ReleaseAsync("thief")).Status);
            var own = await target.ConfirmAsync("owner-r");
            Assert.Equal((ReservationStatus.Confirmed, 2), (own.Status, own.Quantity));
        }
    }

    [Theory]
    [MemberData(nameof(Directions))]
    public async Task SkuGrain_CalledForAnotherTenant_IsRefusedAndChangesNothing(bool aCallsB)
    {
        var (caller, owner) = aCallsB ? (_a, _b) : (_b, _a);
        await cluster.StockAsync(owner, Sku, 10);
        var target = cluster.Sku(owner, Sku);
        using (ClusterFixture.ActAs(owner))
        {
            await target.AddZoneAsync(ClusterFixture.DefaultZone);
        }

        using (ClusterFixture.ActAs(caller))
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.GetLevelsAsync());
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.AddZoneAsync("stolen"));
        }

        using (ClusterFixture.ActAs(owner))
        {
            var level = Assert.Single(await target.GetLevelsAsync());
            Assert.Equal(ClusterFixture.DefaultZone, level.Zone);
        }
    }

    [Theory]
    [MemberData(nameof(Directions))]
    public async Task CartGrain_CalledForAnotherTenant_IsRefusedAndChangesNothing(bool aCallsB)
    {
        var (caller, owner) = aCallsB ? (_a, _b) : (_b, _a);
        await cluster.StockAsync(caller, Sku, 10);
        await cluster.StockAsync(owner, Sku, 10);
        var target = cluster.NewCart(owner);
        CartView before;
        using (ClusterFixture.ActAs(owner))
        {
            before = (await target.SetItemAsync(Sku, ClusterFixture.DefaultZone, 2)).Cart;
        }

        using (ClusterFixture.ActAs(caller))
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.GetAsync());
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.SetItemAsync(Sku, ClusterFixture.DefaultZone, 9));
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.RemoveItemAsync(Sku));
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.CheckoutAsync());
        }

        using (ClusterFixture.ActAs(owner))
        {
            var after = await target.GetAsync();
            Assert.NotNull(after);
            Assert.Equal(before.Lines, after.Lines);
            Assert.False(after.IsCheckedOut);
        }

        Assert.Equal(2, (await cluster.LevelAsync(owner, Sku)).Reserved);
        Assert.Equal(0, (await cluster.LevelAsync(caller, Sku)).Reserved);
    }

    [Theory]
    [MemberData(nameof(Directions))]
    public async Task OrderGrain_CalledForAnotherTenant_IsRefusedAndChangesNothing(bool aCallsB)
    {
        var (caller, owner) = aCallsB ? (_a, _b) : (_b, _a);
        await cluster.StockAsync(owner, Sku, 10);
        var placed = await cluster.PlaceOrderAsync(owner, (Sku, 3));
        var target = cluster.Order(owner, placed.OrderId);

        using (ClusterFixture.ActAs(caller))
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.GetAsync());
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.PayAsync("stolen-payment"));
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.CancelAsync());
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.PlaceAsync(Guid.NewGuid().ToString("D"), [], "EUR", cluster.Now + Ttl));
        }

        using (ClusterFixture.ActAs(owner))
        {
            Assert.Equivalent(placed, await target.GetAsync());
        }

        var level = await cluster.LevelAsync(owner, Sku);
        Assert.Equal((10, 3), (level.OnHand, level.Reserved));
    }

    [Fact]
    public async Task StockGrain_WithoutTenantContext_IsRefusedAndChangesNothing()
    {
        var stock = await cluster.StockAsync(_a, Sku, 10);

        await Assert.ThrowsAsync<TenantIsolationException>(() => stock.GetAsync());
        await Assert.ThrowsAsync<TenantIsolationException>(() => stock.AdjustAsync(ClusterFixture.SetOnHand(0)));
        await Assert.ThrowsAsync<TenantIsolationException>(() => stock.ReserveAsync("r-1", 1, Ttl));

        Assert.Equal(new StockLevel(Sku, ClusterFixture.DefaultZone, 10, 0, 0, true), await cluster.LevelAsync(_a, Sku));
    }

    [Fact]
    public async Task CartGrain_WithoutTenantContext_IsRefused()
    {
        await cluster.StockAsync(_a, Sku, 10);
        var cart = cluster.NewCart(_a);

        await Assert.ThrowsAsync<TenantIsolationException>(() => cart.SetItemAsync(Sku, ClusterFixture.DefaultZone, 1));

        Assert.Equal(0, (await cluster.LevelAsync(_a, Sku)).Reserved);
        using (ClusterFixture.ActAs(_a))
        {
            Assert.Null(await cart.GetAsync());
        }
    }

    [Fact]
    public async Task StockGrain_UnderPlatformScope_IsRefusedBecauseItHasNoPlatformAccessMethods()
    {
        var stock = await cluster.StockAsync(_a, Sku, 10);

        using (ClusterFixture.ActAsPlatform())
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => stock.GetAsync());
            await Assert.ThrowsAsync<TenantIsolationException>(() => stock.AdjustAsync(ClusterFixture.SetOnHand(0)));
        }

        Assert.Equal(10, (await cluster.LevelAsync(_a, Sku)).OnHand);
    }

    [Fact]
    public async Task StockGrain_ForTenantWhoseIdExtendsTheCallers_IsRefused()
    {
        // Guards against a prefix comparison: "t-x" must not open "t-x-2/...".
        var longer = TenantId.Parse($"{_a.Value[..30]}-2");
        var caller = TenantId.Parse(_a.Value[..30]);
        var target = await cluster.StockAsync(longer, Sku, 10);

        using (ClusterFixture.ActAs(caller))
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.AdjustAsync(ClusterFixture.SetOnHand(0)));
        }

        Assert.Equal(10, (await cluster.LevelAsync(longer, Sku)).OnHand);
    }

    [Fact]
    public async Task StockGrain_WithKeyThatHasNoTenant_IsRefused()
    {
        var orphan = cluster.Client.GetGrain<IStockGrain>(StockEntryId.Format(Sku, ClusterFixture.DefaultZone));

        // Such a key can only be made by hand (TenantKey always names a store). It must fail closed: the filter
        // refuses it, or the grain refuses to activate under a key it cannot parse — it never answers.
        using (ClusterFixture.ActAs(_a))
        {
            var refusal = await Assert.ThrowsAnyAsync<Exception>(() => orphan.GetAsync());
            Assert.True(refusal is TenantIsolationException or FormatException, $"Unexpected refusal: {refusal}");
        }
    }

    [Fact]
    public async Task TenantGrain_UnderPlatformScope_AllowsPlatformAccessMethods()
    {
        var profile = await CreateStoreAsync(_a);

        using (ClusterFixture.ActAsPlatform())
        {
            Assert.Equivalent(profile, await cluster.Store(_a).GetAsync());
            Assert.Null(await cluster.Store(_b).GetAsync());
        }
    }

    [Fact]
    public async Task StoreSettings_UnderPlatformScope_AreReadableButNotWritable()
    {
        // The platform's list of stores reads each store's live default zone and theme; nothing more opens to it.
        var warehouse = cluster.Client.GetGrain<IWarehouseGrain>(TenantKey.For(_a, IWarehouseGrain.EntityId));
        var storefront = cluster.Client.GetGrain<IStorefrontGrain>(TenantKey.For(_a, IStorefrontGrain.EntityId));
        using (ClusterFixture.ActAs(_a))
        {
            await warehouse.PutZoneAsync("east", "East", makeDefault: true);
            await storefront.SetThemeAsync("""{"accent":"#abcdef"}""");
        }

        using (ClusterFixture.ActAsPlatform())
        {
            Assert.Equal("east", await warehouse.GetDefaultZoneAsync());
            Assert.Equal("""{"accent":"#abcdef"}""", await storefront.GetThemeAsync());
            await Assert.ThrowsAsync<TenantIsolationException>(() => warehouse.GetAsync());
            await Assert.ThrowsAsync<TenantIsolationException>(() => warehouse.PutZoneAsync("west", "West", makeDefault: true));
            await Assert.ThrowsAsync<TenantIsolationException>(() => storefront.SetThemeAsync("{}"));
        }

        using (ClusterFixture.ActAs(_a))
        {
            Assert.Equal("east", await warehouse.GetDefaultZoneAsync());
            Assert.Equal("""{"accent":"#abcdef"}""", await storefront.GetThemeAsync());
        }
    }

    [Theory]
    [MemberData(nameof(Directions))]
    public async Task StoreSettings_ReadForAnotherTenant_AreRefused(bool aCallsB)
    {
        var (caller, owner) = aCallsB ? (_a, _b) : (_b, _a);
        using (ClusterFixture.ActAs(caller))
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => cluster.Client.GetGrain<IWarehouseGrain>(TenantKey.For(owner, IWarehouseGrain.EntityId)).GetDefaultZoneAsync());
            await Assert.ThrowsAsync<TenantIsolationException>(() => cluster.Client.GetGrain<IStorefrontGrain>(TenantKey.For(owner, IStorefrontGrain.EntityId)).GetThemeAsync());
        }
    }

    [Theory]
    [MemberData(nameof(Directions))]
    public async Task TenantGrain_CalledForAnotherTenant_IsRefusedAndChangesNothing(bool aCallsB)
    {
        var (caller, owner) = aCallsB ? (_a, _b) : (_b, _a);
        var profile = await CreateStoreAsync(owner);
        var target = cluster.Store(owner);

        using (ClusterFixture.ActAs(caller))
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.GetAsync());
            await Assert.ThrowsAsync<TenantIsolationException>(() => target.SetStatusAsync(TenantStatus.Suspended));
        }

        using (ClusterFixture.ActAs(owner))
        {
            Assert.Equivalent(profile, await target.GetAsync());
        }
    }

    [Fact]
    public async Task TenantGrain_SetStatusActingForItsOwnStore_IsRefused()
    {
        // ITenantGrain's contract: lifecycle changes come only through the platform. A store acting for itself
        // may read its profile but must not lift its own suspension.
        await CreateStoreAsync(_a);
        using (ClusterFixture.ActAsPlatform())
        {
            await cluster.Directory.SetStatusAsync(_a.Value, TenantStatus.Suspended);
        }

        using (ClusterFixture.ActAs(_a))
        {
            Assert.Equal(TenantStatus.Suspended, (await cluster.Store(_a).GetAsync())?.Status);
            var refusal = await Assert.ThrowsAsync<TenantIsolationException>(() => cluster.Store(_a).SetStatusAsync(TenantStatus.Active));
            // The refusal names the scope the call needs, not a permission missing in the store.
            Assert.Equal("Only a platform operator may call SetStatusAsync on a store.", refusal.Message);
        }

        using (ClusterFixture.ActAsPlatform())
        {
            Assert.Equal(TenantStatus.Suspended, (await cluster.Store(_a).GetAsync())?.Status);
        }
    }

    [Fact]
    public async Task TenantGrain_WithoutAnyContext_IsRefused()
    {
        await CreateStoreAsync(_a);

        await Assert.ThrowsAsync<TenantIsolationException>(() => cluster.Store(_a).SetStatusAsync(TenantStatus.Suspended));

        using (ClusterFixture.ActAsPlatform())
        {
            Assert.Equal(TenantStatus.Active, (await cluster.Store(_a).GetAsync())?.Status);
        }
    }

    [Fact]
    public async Task HostNameGrain_WithoutAnyContext_IsNotFiltered()
    {
        var profile = await CreateStoreAsync(_a);

        Assert.Equal(new HostBinding(_a.Value), await cluster.HostName(profile.Domains[0]).ResolveAsync());
        Assert.Null(await cluster.HostName($"unknown-{Guid.NewGuid():N}.example").ResolveAsync());
    }

    private async Task<TenantProfile> CreateStoreAsync(TenantId tenant)
    {
        using (ClusterFixture.ActAsPlatform())
        {
            return await cluster.Directory.CreateAsync(new TenantSpec(tenant.Value, "Store " + tenant.Value, [$"{tenant.Value}.shop.test"], "{}"));
        }
    }
}
