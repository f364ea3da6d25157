using System.Net;
using MultiStore.Api.Auth;

namespace MultiStore.Api.Tests.Auth;

/// <summary>Each store role gets exactly the permissions of the table in <see cref="StorePermissions"/>.</summary>
[Collection(ApiCollection.Name)]
public sealed class StorePermissionTests(ApiFactory api)
{
    [Theory]
    [InlineData(StoreRoles.Owner, true, true, true, true, true, true)]
    [InlineData(StoreRoles.BrandManager, true, true, true, true, false, false)]
    [InlineData(StoreRoles.Warehouse, true, true, false, false, false, false)]
    [InlineData(StoreRoles.Support, true, false, true, false, true, false)]
    public async Task Role_GetsExactlyItsPermissions(string role, bool stockRead, bool stockWrite, bool ordersRead, bool ordersPay, bool cartsRead, bool auditRead)
    {
        var store = StoreDriver.FiberX(api);
        var sku = store.NewSku("PERM");
        await store.SetStockAsync(sku, 10);
        var cartId = await store.NewCartAsync(sku, 1);
        var orderId = await store.NewPendingOrderAsync(sku, 1);
        using var client = store.ClientWith(api.StoreToken(store.TenantId, role));

        await ExpectAllowedAsync(stockRead, client.GetAsync($"/admin/stock/{sku}"));
        await ExpectAllowedAsync(stockWrite, client.PutJsonAsync($"/admin/stock/{sku}/main", new { onHand = 10 }));
        await ExpectAllowedAsync(stockWrite, client.PostJsonAsync($"/admin/stock/{sku}/main/adjustments", new { delta = 1, reason = "delivery" }));
        await ExpectAllowedAsync(ordersRead, client.GetAsync($"/admin/orders/{orderId}"));
        await ExpectAllowedAsync(cartsRead, client.GetAsync($"/admin/carts/{cartId}"));
        await ExpectAllowedAsync(ordersPay, client.PostJsonAsync($"/admin/orders/{orderId}/pay", new { }));
        await ExpectAllowedAsync(auditRead, client.GetAsync("/admin/audit?take=1"));
    }

    [Fact]
    public void Table_GrantsNothingToUnknownOrPlatformRoles()
    {
        foreach (var permission in StorePermissions.All)
        {
            Assert.False(StorePermissions.Grants(PlatformRoles.Operator, permission));
            Assert.False(StorePermissions.Grants("admin", permission));
            Assert.False(StorePermissions.Grants(string.Empty, permission));
        }
    }

    [Fact]
    public async Task TokenWithRolesInSeveralStores_ActsOnlyWithTheHostStoresRole()
    {
        var now = DateTimeOffset.UtcNow;
        var token = api.Tokens.Issue(
            "multi",
            [new(AuthClaims.StoreRole, "fiber-x:support"), new(AuthClaims.StoreRole, "suzume:owner")],
            now,
            now.AddMinutes(5));

        // Owner in suzume, support in fiber-x: stock writes only succeed on suzume's host.
        var suzumeSku = StoreDriver.Suzume(api).NewSku("MULTI");
        await api.ClientFor("suzume.localhost", token).PutJsonAsync($"/admin/stock/{suzumeSku}/main", new { onHand = 3 }).ExpectAsync(HttpStatusCode.OK);
        await api.ClientFor("fiber-x.localhost", token).PutJsonAsync("/admin/stock/FBX-CAP-RED/main", new { onHand = 40 }).ExpectProblemAsync(HttpStatusCode.Forbidden);
        await api.ClientFor("fiber-x.localhost", token).GetAsync("/admin/stock/FBX-CAP-RED").ExpectAsync(HttpStatusCode.OK);
    }

    private static async Task ExpectAllowedAsync(bool allowed, Task<HttpResponseMessage> send)
    {
        using var response = await send;
        if (allowed)
        {
            Assert.True(response.IsSuccessStatusCode, $"expected success, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        else
        {
            await response.ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        }
    }
}
