using System.Net;
using Microsoft.Extensions.DependencyInjection;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;
using ListTenantsEndpoint = MultiStore.Api.Features.Platform.ListTenants.Endpoint;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Platform;
using Orleans.Storage;

namespace MultiStore.Api.Tests.Platform;

/// <summary>Onboarding and lifecycle of stores through the platform endpoints.</summary>
[Collection(ApiCollection.Name)]
public sealed class PlatformTenantTests(ApiFactory api)
{
    private HttpClient Platform => api.ClientFor("platform.test", api.PlatformToken());

    [Fact]
    public async Task Create_ValidStore_Returns201ProfileAndServesItsDomains()
    {
        var id = NewId("plat");
        var created = await Platform.PostJsonAsync("/platform/tenants", new
        {
            id,
            name = "  Plat Store  ",
            domains = new[] { $"Shop.{id}.TEST", $"{id}.test." },
            theme = new { accent = "#ff0000", fonts = new[] { "Inter" } },
        }).ExpectAsync(HttpStatusCode.Created);

        Assert.Equal(id, created.Value<string>("id"));
        Assert.Equal("Plat Store", created.Value<string>("name"));
        Assert.Equal([$"shop.{id}.test", $"{id}.test"], created["domains"]!.AsArray().Select(domain => domain!.GetValue<string>()));
        Assert.Equal("#ff0000", created["theme"]!.Value<string>("accent"));
        Assert.Equal("active", created.Value<string>("status"));
        Assert.Equal("main", created.Value<string>("defaultZone"));

        var list = await PlatformListing.AllAsync(Platform);
        Assert.Contains(list, tenant => tenant.Value<string>("id") == id);
        Assert.Contains(list, tenant => tenant.Value<string>("id") == "fiber-x");

        // The new store answers on both domains, and has no stock yet.
        await api.ClientFor($"shop.{id}.test").GetAsync("/api/stock/ANY-SKU").ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await api.ClientFor($"{id}.test").GetAsync("/api/stock/ANY-SKU").ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    public static IEnumerable<object[]> PlatformEndpoints => EndpointCatalog.Keys(Access.Platform);

    [Theory]
    [MemberData(nameof(PlatformEndpoints))]
    public async Task PlatformRoute_WithAStoreOwnersToken_Returns403SayingItNeedsThePlatformOperator(string key)
    {
        var ids = new StoreIds("fiber-x", "NO-SUCH-SKU", "main", Guid.Empty.ToString("D"), Guid.Empty.ToString("D"), Guid.Empty.ToString("D"), "no-such-handle");
        using var owner = api.ClientFor("fiber-x.localhost", api.StoreToken("fiber-x", StoreRoles.Owner));

        var problem = await owner.SendAsync(EndpointCatalog.Get(key).Sample!(ids)).ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");

        // No store is involved here: the refusal names what the route needs, not a store permission.
        Assert.Contains("platform operator", problem.Value<string>("detail"));
        Assert.DoesNotContain("store.", problem.Value<string>("detail"));
    }

    [Fact]
    public async Task Create_WithoutTheme_StoresEmptyObject()
    {
        var id = NewId("plain");

        var created = await Platform.PostJsonAsync("/platform/tenants", new { id, name = "Plain", domains = new[] { $"{id}.test" } })
            .ExpectAsync(HttpStatusCode.Created);

        Assert.Empty(created["theme"]!.AsObject());
    }

    [Fact]
    public async Task Create_ExistingIdOrTakenDomain_Returns409()
    {
        var id = NewId("dup");
        await Platform.PostJsonAsync("/platform/tenants", new { id, name = "First", domains = new[] { $"{id}.test" } }).ExpectAsync(HttpStatusCode.Created);

        await Platform.PostJsonAsync("/platform/tenants", new { id, name = "Second", domains = new[] { $"other-{id}.test" } })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "tenant-exists");
        await Platform.PostJsonAsync("/platform/tenants", new { id = NewId("dup2"), name = "Third", domains = new[] { $"{id}.test" } })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "domain-taken");
        await Platform.PostJsonAsync("/platform/tenants", new { id = NewId("dup3"), name = "Fourth", domains = new[] { "FIBER-X.localhost" } })
            .ExpectProblemAsync(HttpStatusCode.Conflict, "domain-taken");
    }

    [Fact]
    public async Task SuspendAndResume_ChangeStatusAndAreIdempotent()
    {
        var store = await StoreDriver.OnboardAsync(api, "life");
        var sku = store.NewSku();
        await store.SetStockAsync(sku, 5);

        var suspended = await Platform.PostAsync($"/platform/tenants/{store.TenantId}/suspend", null).ExpectAsync(HttpStatusCode.OK);
        await Platform.PostAsync($"/platform/tenants/{store.TenantId}/suspend", null).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("suspended", suspended.Value<string>("status"));
        await store.Shopper.GetAsync($"/api/stock/{sku}").ExpectProblemAsync(HttpStatusCode.Forbidden, "store-suspended");
        await store.Owner.GetAsync($"/admin/stock/{sku}").ExpectProblemAsync(HttpStatusCode.Forbidden, "store-suspended");

        var resumed = await Platform.PostAsync($"/platform/tenants/{store.TenantId}/resume", null).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("active", resumed.Value<string>("status"));
        await store.Shopper.GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task PayOrder_WhileTheStoreIsSuspended_RecordsTheCapture_AndNoNewSaleIsMade()
    {
        // The shopper was told to pay before the suspension; the capture went through the payment provider, so the
        // store's admin must still record it, or the order expires, its stock is sold again and the payment is lost.
        var store = await StoreDriver.OnboardAsync(api, "paysus");
        var sku = store.NewSku();
        await store.SetStockAsync(sku, 5);
        var orderId = await store.NewPendingOrderAsync(sku, 2);
        var cartId = await store.NewCartAsync(sku, 1);
        await Platform.PostAsync($"/platform/tenants/{store.TenantId}/suspend", null).ExpectAsync(HttpStatusCode.OK);

        var paid = await store.Owner.PostJsonAsync($"/admin/orders/{orderId}/pay", new { paymentReference = $"psp-{orderId}" })
            .ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("paid", paid.Value<string>("status"));
        await store.Shopper.PostAsync($"/api/carts/{cartId}/checkout", null).ExpectProblemAsync(HttpStatusCode.Forbidden, "store-suspended");
        await store.Owner.GetAsync($"/admin/carts/{cartId}").ExpectProblemAsync(HttpStatusCode.Forbidden, "store-suspended");
        var recorded = await store.Owner.GetAsync($"/admin/orders/{orderId}").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("paid", recorded.Value<string>("status"));
    }

    [Fact]
    public async Task ShopperOrder_WhileTheStoreIsSuspended_CanBeReadAndCancelled_AndNothingIsSoldOrShown()
    {
        // What shoppers already placed stays theirs: one who paid sees it paid, one who changed their mind gives the
        // units back now rather than when the order expires. Carts, checkout and stock stay closed.
        var store = await StoreDriver.OnboardAsync(api, "ordsus");
        var sku = store.NewSku();
        await store.SetStockAsync(sku, 5);
        var paidId = await store.NewPendingOrderAsync(sku, 2);
        await store.Owner.PostJsonAsync($"/admin/orders/{paidId}/pay", new { paymentReference = $"psp-{paidId}" }).ExpectAsync(HttpStatusCode.OK);
        var pendingId = await store.NewPendingOrderAsync(sku, 1);
        var cartId = await store.NewCartAsync(sku, 1);
        await Platform.PostAsync($"/platform/tenants/{store.TenantId}/suspend", null).ExpectAsync(HttpStatusCode.OK);

        var seen = await store.Shopper.GetAsync($"/api/orders/{paidId}").ExpectAsync(HttpStatusCode.OK);
        var cancelled = await store.Shopper.PostAsync($"/api/orders/{pendingId}/cancel", null).ExpectAsync(HttpStatusCode.OK);

        Assert.Equal("paid", seen.Value<string>("status"));
        Assert.Equal("cancelled", cancelled.Value<string>("status"));
        await store.Shopper.GetAsync($"/api/carts/{cartId}").ExpectProblemAsync(HttpStatusCode.Forbidden, "store-suspended");
        await store.Shopper.PostAsync($"/api/carts/{cartId}/checkout", null).ExpectProblemAsync(HttpStatusCode.Forbidden, "store-suspended");
        await store.Shopper.GetAsync($"/api/stock/{sku}").ExpectProblemAsync(HttpStatusCode.Forbidden, "store-suspended");
        await Platform.PostAsync($"/platform/tenants/{store.TenantId}/resume", null).ExpectAsync(HttpStatusCode.OK);
        // 5 on hand: 2 sold, 1 held by the cart, the cancelled order's unit back on sale.
        Assert.Equal(2, (await store.Shopper.GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK)).Value<int>("available"));
    }

    [Fact]
    public async Task Suspension_LandingWhileAStatusLookupIsUnderWay_IsNotUndoneByThatLookup()
    {
        var store = await StoreDriver.OnboardAsync(api, "race");
        var resolver = api.Services.GetRequiredService<HostTenantResolver>();
        var tenant = TenantId.Parse(store.TenantId);
        resolver.InvalidateStatus(store.TenantId);
        var suspendOnce = 0;
        resolver.AfterLookup = async () =>
        {
            if (Interlocked.Exchange(ref suspendOnce, 1) == 0)
            {
                await Platform.PostAsync($"/platform/tenants/{store.TenantId}/suspend", null).ExpectAsync(HttpStatusCode.OK);
            }
        };
        try
        {
            // Read before the suspension was written, answered after it cleared the cache.
            Assert.Equal(TenantResolutionStatus.Active, (await resolver.ResolveStoreAsync(tenant)).Status);
        }
        finally
        {
            resolver.AfterLookup = null;
        }

        await store.Shopper.GetAsync("/api/storefront").ExpectProblemAsync(HttpStatusCode.Forbidden, "store-suspended");
    }

    [Fact]
    public async Task TenantAnswers_AfterTheStoreChangedItsDefaultZoneAndTheme_ShowTheLiveValues()
    {
        // Both are set after onboarding, by the store's own admin routes: the platform's answers must show them, not
        // the values the store's profile kept from its onboarding.
        var store = await StoreDriver.OnboardAsync(api, "live");
        await store.Owner.PutJsonAsync("/admin/zones/east", new { name = "East", isDefault = true }).ExpectAsync(HttpStatusCode.OK);
        await store.Owner.PutJsonAsync("/admin/storefront/theme", new { theme = new { accent = "#abcdef", sections = new[] { "hero" } } })
            .ExpectAsync(HttpStatusCode.OK);

        var listed = await PlatformListing.StoreAsync(Platform, store.TenantId);
        var suspended = await Platform.PostAsync($"/platform/tenants/{store.TenantId}/suspend", null).ExpectAsync(HttpStatusCode.OK);
        var resumed = await Platform.PostAsync($"/platform/tenants/{store.TenantId}/resume", null).ExpectAsync(HttpStatusCode.OK);
        // The same onboarding asked again (its answer lost) is answered with the store as it is now.
        var onboardedAgain = await Platform.PostJsonAsync("/platform/tenants", new
        {
            id = store.TenantId,
            name = $"Test store {store.TenantId}",
            domains = new[] { store.Host },
            theme = new { accent = "#123456" },
        }).ExpectAsync(HttpStatusCode.Created);

        Assert.All(new[] { listed, suspended, resumed, onboardedAgain }, tenant =>
        {
            Assert.Equal("east", tenant.Value<string>("defaultZone"));
            Assert.Equal("#abcdef", tenant["theme"]!.Value<string>("accent"));
            Assert.Equal(["hero"], tenant["theme"]!["sections"]!.AsArray().Select(section => section!.GetValue<string>()));
        });
    }

    [Fact]
    public async Task ListTenants_StoreThatNeverChangedItsSettings_ShowsItsOnboardingThemeAndMain()
    {
        var store = await StoreDriver.OnboardAsync(api, "still");

        var listed = await PlatformListing.StoreAsync(Platform, store.TenantId);

        Assert.Equal("main", listed.Value<string>("defaultZone"));
        Assert.Equal("#123456", listed["theme"]!.Value<string>("accent"));
    }

    [Fact]
    public async Task Suspension_WrittenToTheStoreRecordAlone_IsAnsweredOnItsDomains()
    {
        // A suspension that reached the store's own record and nothing else (no domain's host binding was written):
        // its domains refuse it all the same, since a store's status is its record's.
        var store = await StoreDriver.OnboardAsync(api, "half");
        var grains = api.Services.GetRequiredService<IGrainFactory>();
        using (TenantContext.ForPlatform("test-operator"))
        {
            await grains.GetGrain<ITenantGrain>(TenantKey.For(TenantId.Parse(store.TenantId), ITenantGrain.EntityId)).SetStatusAsync(TenantStatus.Suspended);
        }

        await store.Shopper.GetAsync("/api/storefront").ExpectProblemAsync(HttpStatusCode.Forbidden, "store-suspended");
        await store.Owner.GetAsync("/admin/zones").ExpectProblemAsync(HttpStatusCode.Forbidden, "store-suspended");
    }

    [Fact]
    public async Task ListTenants_AfterASuspensionTheDirectoryMissed_ShowsTheRecordsStatus_AndAResumeConverges()
    {
        // The record says suspended (its hosts answer 403) and nothing else was written, as when the previous release
        // failed to write the directory's copy of the status after the record's.
        var store = await StoreDriver.OnboardAsync(api, "miss");
        var grains = api.Services.GetRequiredService<IGrainFactory>();
        using (TenantContext.ForPlatform("test-operator"))
        {
            await grains.GetGrain<ITenantGrain>(TenantKey.For(TenantId.Parse(store.TenantId), ITenantGrain.EntityId)).SetStatusAsync(TenantStatus.Suspended);
        }

        Assert.Equal("suspended", await ListedStatusAsync(store.TenantId));

        // The operator's retry answers the record's status; a resume then shows everywhere.
        await Platform.PostAsync($"/platform/tenants/{store.TenantId}/suspend", null).ExpectAsync(HttpStatusCode.OK);
        using (TenantContext.ForPlatform("test-operator"))
        {
            var listed = await grains.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).ListAsync();
            Assert.Equal(TenantStatus.Suspended, listed.Single(profile => profile.Id == store.TenantId).Status);
        }

        await Platform.PostAsync($"/platform/tenants/{store.TenantId}/resume", null).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("active", await ListedStatusAsync(store.TenantId));
    }

    [Fact]
    public async Task Host_BoundToAStoreWhoseRecordDoesNotNameIt_IsAnUnknownHost()
    {
        // A binding a failed release left behind: the host names the store, the store's record never named the host.
        var store = await StoreDriver.OnboardAsync(api, "stray");
        var stray = $"{store.TenantId}.stray.test";
        // Written to storage: no caller outside the cluster may bind a host, only the platform directory.
        var hostName = api.Services.GetRequiredService<IGrainFactory>().GetGrain<IHostNameGrain>(stray).GetGrainId();
        var binding = new HostNameState { Binding = new HostBinding(store.TenantId) };
        await api.Services.GetRequiredKeyedService<IGrainStorage>(StorageNames.Store).WriteStateAsync("host", hostName, new GrainState<HostNameState>(binding));

        await api.ClientFor(stray).GetAsync("/api/storefront").ExpectProblemAsync(HttpStatusCode.NotFound, "store-not-found");
        await store.Shopper.GetAsync("/api/storefront").ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Create_DomainWithAKelvinSign_Returns400_AndBindsNothing()
    {
        // U+212A lower-cases to 'k' under the invariant culture: taken as is, it would claim k{id}.test.
        var id = NewId("kelv");
        await Platform.PostJsonAsync("/platform/tenants", new { id, name = "Kelvin", domains = new[] { $"\u212A{id}.test" } })
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid-request");

        await api.ClientFor($"k{id}.test").GetAsync("/api/storefront").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PlatformRoutes_AnswerOnAnyHost_ButOnlyToOperators()
    {
        await api.ClientFor("fiber-x.localhost", api.PlatformToken()).GetAsync("/platform/tenants").ExpectAsync(HttpStatusCode.OK);
        await api.ClientFor("unknown-host.test", api.PlatformToken()).GetAsync("/platform/tenants").ExpectAsync(HttpStatusCode.OK);
        await api.ClientFor("fiber-x.localhost", api.StoreToken("fiber-x", StoreRoles.Owner)).GetAsync("/platform/tenants")
            .ExpectProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task ListTenants_PageByPage_WalksEveryStoreOnceInIdOrder_FollowingLinkHeaders()
    {
        var onboarded = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            onboarded.Add((await StoreDriver.OnboardAsync(api, "page")).TenantId);
        }

        var pages = await PlatformListing.PagesAsync(Platform, "/platform/tenants?limit=2");
        var ids = pages.SelectMany(page => page.Stores).Select(store => store.Value<string>("id")).ToList();

        // Every page but the last is full and links to the one after its last store; the last links nowhere.
        Assert.All(pages.SkipLast(1), page => Assert.Equal(2, page.Stores.Count));
        Assert.All(pages.SkipLast(1), page => Assert.Equal($"/platform/tenants?limit=2&after={page.Stores[^1].Value<string>("id")}", page.Next));
        Assert.InRange(pages[^1].Stores.Count, 1, 2);
        Assert.Null(pages[^1].Next);
        Assert.Equal(ids.Order(StringComparer.Ordinal).Distinct(), ids);
        Assert.Subset(ids.ToHashSet(), onboarded.ToHashSet());
        // Asked without a page, the route answers every store at once, as it did before it had pages; walked with the
        // largest page or from a cursor with the default one (100), the listing is the same.
        var unpaged = Assert.Single(await PlatformListing.PagesAsync(Platform, "/platform/tenants"));
        Assert.Equal(ids, unpaged.Stores.Select(store => store.Value<string>("id")));
        Assert.Equal(ids, (await PlatformListing.AllAsync(Platform, "/platform/tenants?limit=500")).Select(store => store.Value<string>("id")));
        var readInPagesOfTwo = await api.Services.GetRequiredService<PlatformGrains>().ListAllAsync("test-operator", CancellationToken.None, pageSize: 2);
        Assert.Equal(ids, readInPagesOfTwo.Select(store => store.Id));
        var fromCursor = await PlatformListing.PagesAsync(Platform, $"/platform/tenants?after={ids[0]}");
        Assert.Equal(Math.Min(100, ids.Count - 1), fromCursor[0].Stores.Count);
        Assert.Equal(ids.Skip(1), fromCursor.SelectMany(page => page.Stores).Select(store => store.Value<string>("id")));
    }

    [Fact]
    public async Task ListTenants_WithoutAPage_AnswersEveryStore_PastTheDefaultPageToo()
    {
        // Tools written before pages read the whole list from one GET; it must stay whole past a page's worth of stores.
        var grains = api.Services.GetRequiredService<IGrainFactory>();
        using (TenantContext.ForPlatform("test-operator"))
        {
            var directory = grains.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key);
            for (var i = 0; i <= ListTenantsEndpoint.DefaultLimit; i++)
            {
                var id = NewId("bulk");
                await directory.CreateAsync(new TenantSpec(id, $"Bulk {id}", [$"{id}.bulk.test"], "{}"));
            }
        }

        var walked = await PlatformListing.AllAsync(Platform, "/platform/tenants?limit=7");
        var unpaged = Assert.Single(await PlatformListing.PagesAsync(Platform, "/platform/tenants"));

        Assert.True(unpaged.Stores.Count > ListTenantsEndpoint.DefaultLimit);
        Assert.Equal(walked.Select(store => store.Value<string>("id")), unpaged.Stores.Select(store => store.Value<string>("id")));
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=-1", "limit")]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("limit=99999999999", "limit")]
    [InlineData("after=Not%20An%20Id", "after")]
    [InlineData("after=x", "after")]
    [InlineData("limit=5&after=..%2Ffiber-x", "after")]
    public async Task ListTenants_LimitOutOfRangeOrCursorNoStoreId_Returns400ProblemNamingTheParameter(string query, string parameter)
    {
        var problem = await Platform.GetAsync($"/platform/tenants?{query}").ExpectProblemAsync(HttpStatusCode.BadRequest, "invalid-request");

        Assert.Contains(problem["errors"]!.AsArray(), error => string.Equals(error!.Value<string>("name"), parameter, StringComparison.OrdinalIgnoreCase));
    }

    [Theory]
    [InlineData("/platform/tenants?limit=5")]
    [InlineData("/platform/tenants?limit=5&after=fiber-x")]
    [InlineData("/platform/tenants?limit=0")]
    public async Task ListTenants_AnyPage_IsRefusedToAnyoneButOperators(string url)
    {
        await api.ClientFor("fiber-x.localhost").GetAsync(url).ExpectProblemAsync(HttpStatusCode.Unauthorized, "unauthorized");
        foreach (var role in StoreRoles.All)
        {
            using var response = await api.ClientFor("fiber-x.localhost", api.StoreToken("fiber-x", role)).GetAsync(url);
            await response.ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
            Assert.False(response.Headers.Contains("Link"));
        }
    }

    private static string NewId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    private async Task<string?> ListedStatusAsync(string tenantId)
    {
        return (await PlatformListing.StoreAsync(Platform, tenantId)).Value<string>("status");
    }
}
