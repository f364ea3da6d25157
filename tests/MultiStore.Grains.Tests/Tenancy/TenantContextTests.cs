using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Tests.Tenancy;

/// <summary>
/// A scope puts the caller in Orleans' request context and, once disposed, leaves the context exactly as it found it:
/// nothing of the caller stays behind to act for a store later, and nobody else's keys are lost on the way.
/// </summary>
public sealed class TenantContextTests
{
    private static readonly TenantId Store = TenantId.Parse("fiber-x");
    private static readonly TenantId OtherStore = TenantId.Parse("other-store");

    [Fact]
    public void ForCaller_SetsTheCaller_AndDisposeLeavesNothing()
    {
        RequestContext.Clear();

        using (TenantContext.ForCaller(Store, "user-1", [StorePermission.Shop]))
        {
            Assert.Equal(Store, TenantContext.Tenant);
            Assert.Equal("user-1", TenantContext.Actor);
            Assert.False(TenantContext.IsPlatform);
            Assert.Equal([StorePermission.Shop], TenantContext.Permissions);
        }

        Assert.Null(TenantContext.Tenant);
        Assert.Equal("anonymous", TenantContext.Actor);
        Assert.Empty(TenantContext.Permissions);
        Assert.Empty(RequestContext.Keys);
    }

    [Fact]
    public void ForCaller_NeverGrantsTheSystemPermission()
    {
        RequestContext.Clear();

        string[][] cases = [[StorePermission.System], [StorePermission.System, StorePermission.Shop]];
        foreach (var claimed in cases)
        {
            using (TenantContext.ForCaller(Store, "user-1", claimed))
            {
                Assert.False(TenantContext.HasPermission(StorePermission.System));
                Assert.False(TenantContext.HasPermission(StorePermission.CatalogWrite));
                Assert.Equal(claimed.Where(p => p != StorePermission.System), TenantContext.Permissions);
            }
        }
    }

    [Fact]
    public void ForCaller_GrantsEachPermissionOnce_InOrdinalOrder()
    {
        RequestContext.Clear();

        using (TenantContext.ForCaller(Store, "user-1", [StorePermission.Shop, StorePermission.OrdersRead, StorePermission.Shop]))
        {
            Assert.Equal([StorePermission.OrdersRead, StorePermission.Shop], TenantContext.Permissions);
        }
    }

    [Fact]
    public void NestedScopes_EachDispose_PutsBackTheOuterCallerWhole()
    {
        RequestContext.Clear();

        using (TenantContext.ForCaller(Store, "user-1", [StorePermission.Shop]))
        {
            using (TenantContext.ForPlatform("operator-1"))
            {
                Assert.Null(TenantContext.Tenant);
                Assert.True(TenantContext.IsPlatform);
                Assert.Empty(TenantContext.Permissions);

                using (TenantContext.ForTenant(OtherStore, "system:expiry"))
                {
                    Assert.Equal(OtherStore, TenantContext.Tenant);
                    Assert.False(TenantContext.IsPlatform);
                    Assert.True(TenantContext.HasPermission(StorePermission.CatalogWrite));
                }

                Assert.Null(TenantContext.Tenant);
                Assert.Equal("operator-1", TenantContext.Actor);
                Assert.True(TenantContext.IsPlatform);
            }

            Assert.Equal(Store, TenantContext.Tenant);
            Assert.Equal("user-1", TenantContext.Actor);
            Assert.False(TenantContext.IsPlatform);
            Assert.Equal([StorePermission.Shop], TenantContext.Permissions);
        }

        Assert.Empty(RequestContext.Keys);
    }

    [Fact]
    public void AScope_KeepsOtherKeys_SetBeforeIt_AndThoseSetInsideIt()
    {
        RequestContext.Clear();
        RequestContext.Set("trace", "before");

        using (TenantContext.ForCaller(Store, "user-1", [StorePermission.Shop]))
        {
            Assert.Equal("before", RequestContext.Get("trace"));
            RequestContext.Set("inside", 42);
        }

        // The caller's keys are gone; the key from before is untouched and the one set inside the scope stays.
        Assert.Null(TenantContext.Tenant);
        Assert.Equal("before", RequestContext.Get("trace"));
        Assert.Equal(42, RequestContext.Get("inside"));
        Assert.Equal(["inside", "trace"], RequestContext.Keys.Order(StringComparer.Ordinal));
        RequestContext.Clear();
    }

    [Fact]
    public void Restore_ActsExactlyAsTheCapturedCaller()
    {
        RequestContext.Clear();
        CallerContext captured;
        using (TenantContext.ForCaller(Store, "user-1", [StorePermission.Shop, StorePermission.OrdersRead]))
        {
            captured = TenantContext.Capture();
        }

        using (TenantContext.ForTenant(OtherStore, "system:stock"))
        {
            using (TenantContext.Restore(captured))
            {
                Assert.Equal(Store, TenantContext.Tenant);
                Assert.Equal("user-1", TenantContext.Actor);
                Assert.Equal(captured, TenantContext.Capture());
                Assert.False(TenantContext.HasPermission(StorePermission.System));
            }

            Assert.Equal(OtherStore, TenantContext.Tenant);
            Assert.True(TenantContext.HasPermission(StorePermission.System));
        }

        Assert.Empty(RequestContext.Keys);
    }

    [Fact]
    public async Task AScopeInsideAnAwaitedMethod_NeverReachesItsCaller()
    {
        RequestContext.Clear();

        using (TenantContext.ForCaller(Store, "user-1", [StorePermission.Shop]))
        {
            await ActForAnotherStoreAsync();
            Assert.Equal(Store, TenantContext.Tenant);
        }

        Assert.Empty(RequestContext.Keys);

        static async Task ActForAnotherStoreAsync()
        {
            // Left open on purpose: an async method's context changes end with it, the scope's included.
            _ = TenantContext.ForTenant(OtherStore, "system:stock");
            await Task.Yield();
            Assert.Equal(OtherStore, TenantContext.Tenant);
        }
    }
}
