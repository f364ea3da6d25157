using System.Net;
using System.Security.Claims;
using System.Text.Json.Nodes;
using MultiStore.Api.Audit;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Tests.Audit;

/// <summary>
/// Every admin and platform action and every cross-store read lands in the trail of the store concerned (or the
/// platform's), refusals included; owners read their own store's trail, platform operators any trail, with paging.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class AuditTrailTests(ApiFactory api)
{
    [Fact]
    public async Task AdminAction_IsRecordedWithWhoWhatWhenAndOutcome()
    {
        var store = await StoreDriver.OnboardAsync(api, "aud-a");
        var sku = store.NewSku("AUD");
        var before = DateTimeOffset.UtcNow;
        using var owner = store.ClientWith(Token("alice", Grant(store.TenantId, StoreRoles.Owner)));

        await owner.PutJsonAsync($"/admin/stock/{sku}/main", new { onHand = 7 }).ExpectAsync(HttpStatusCode.OK);

        var entry = Newest(await TrailAsync(store), $"PUT /admin/stock/{{sku}}/{{zone}}");
        Assert.Equal("user:alice", entry.Value<string>("actor"));
        Assert.Equal("owner", entry.Value<string>("roles"));
        Assert.Equal($"/admin/stock/{sku}/main", entry.Value<string>("path"));
        Assert.Equal(("succeeded", 200, "host"), (entry.Value<string>("outcome"), entry.Value<int>("status"), entry.Value<string>("via")));
        Assert.InRange(entry.Value<DateTimeOffset>("at"), before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.False(string.IsNullOrEmpty(entry.Value<string>("traceId")));
    }

    [Fact]
    public async Task HeadRequest_IsRecordedAsTheHeadItWas_NotAsTheGetItRanAs()
    {
        var store = await StoreDriver.OnboardAsync(api, "aud-h");
        using var owner = store.ClientWith(Token("hana", Grant(store.TenantId, StoreRoles.Owner)));

        using var head = await owner.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/admin/zones"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);

        // The trail says what the admin asked: a HEAD returned no zones, so it must not read as a GET that did.
        var trail = await TrailAsync(store);
        var entry = Newest(trail, "HEAD /admin/zones", "user:hana");
        Assert.Equal(("succeeded", 200), (entry.Value<string>("outcome"), entry.Value<int>("status")));
        Assert.False(Has(trail, "GET /admin/zones", "user:hana"));
    }

    [Fact]
    public async Task Refusals_AreRecordedInTheStoreTheyAimedAt()
    {
        var (store, other) = (await StoreDriver.OnboardAsync(api, "aud-b"), await StoreDriver.OnboardAsync(api, "aud-c"));
        var sku = store.NewSku("AUD");
        await store.SetStockAsync(sku, 3);
        using var support = store.ClientWith(Token("sam", Grant(store.TenantId, StoreRoles.Support)));
        using var outsider = api.ClientFor(other.Host, Token("olga", Grant(other.TenantId, StoreRoles.Owner)));

        await support.PutJsonAsync($"/admin/stock/{sku}/main", new { onHand = 0 }).ExpectProblemAsync(HttpStatusCode.Forbidden);
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/admin/stock/{sku}"))
        {
            request.Headers.Add(TenantResolutionMiddleware.TenantHeader, store.TenantId);
            await (await outsider.SendAsync(request)).ExpectProblemAsync(HttpStatusCode.Forbidden, "store-not-granted");
        }

        await api.ClientFor(store.Host, Token("olga", Grant(other.TenantId, StoreRoles.Owner))).GetAsync($"/admin/stock/{sku}").ExpectProblemAsync(HttpStatusCode.Forbidden);

        // A refused switch's entry is written once the refusal is sent.
        var trail = await Eventually.ReadAsync(() => TrailAsync(store), page => Has(page, "GET /admin/stock/{sku}", "user:olga", via: "x-tenant-id"));
        var bySupport = Newest(trail, "PUT /admin/stock/{sku}/{zone}", "user:sam");
        Assert.Equal(("refused", 403, "support"), (bySupport.Value<string>("outcome"), bySupport.Value<int>("status"), bySupport.Value<string>("roles")));
        var switched = Newest(trail, "GET /admin/stock/{sku}", "user:olga", via: "x-tenant-id");
        Assert.Equal(("refused", "no-role"), (switched.Value<string>("outcome"), switched.Value<string>("roles")));
        var byHost = Newest(trail, "GET /admin/stock/{sku}", "user:olga", via: "host");
        Assert.Equal("refused", byHost.Value<string>("outcome"));
        Assert.DoesNotContain(Entries(await TrailAsync(other)), entry => entry.Value<string>("actor") == "user:olga");
    }

    [Fact]
    public async Task RefusedSwitch_ToAStoreThatDoesNotExist_StartsNoTrail_AndThePlatformKeepsIt()
    {
        var other = await StoreDriver.OnboardAsync(api, "aud-n");
        var ghost = $"ghost-{Guid.NewGuid():N}"[..20];
        using var outsider = api.ClientFor(other.Host, Token("gus", Grant(other.TenantId, StoreRoles.Owner)));
        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/admin/alerts?{new string('q', 4000)}"))
        {
            request.Headers.Add(TenantResolutionMiddleware.TenantHeader, ghost);
            await (await outsider.SendAsync(request)).ExpectProblemAsync(HttpStatusCode.Forbidden, "store-not-granted");
        }

        // The id is onboarded afterwards: its trail must not hold the attempt from before it existed.
        using var platform = api.ClientFor("platform.test", api.PlatformToken("pat"));
        await platform.PostJsonAsync("/platform/tenants", new { id = ghost, name = "Late store", domains = new[] { $"{ghost}.test" }, theme = new { } })
            .ExpectAsync(HttpStatusCode.Created);

        // A refused switch's entry is written once the refusal is sent: wait for it where it is kept.
        var platformTrail = await Eventually.ReadAsync(() => platform.GetAsync("/platform/audit?take=100").ExpectAsync(HttpStatusCode.OK), page => Has(page, "GET /admin/alerts", "user:gus"));
        Assert.DoesNotContain(Entries(await TrailAsync(new StoreDriver(api, ghost, $"{ghost}.test"))), entry => entry.Value<string>("actor") == "user:gus");
        var kept = Newest(platformTrail, "GET /admin/alerts", "user:gus");
        Assert.Equal(("refused", 403), (kept.Value<string>("outcome"), kept.Value<int>("status")));
        Assert.Equal(AuditMiddleware.MaxRecordedPathLength + 1, kept.Value<string>("path")!.Length);
    }

    [Fact]
    public async Task PlatformActions_OnAStoreThatDoesNotExist_StartNoTrail_AndThePlatformKeepsThem()
    {
        var taken = await StoreDriver.OnboardAsync(api, "aud-o");
        var ghost = $"ghost-{Guid.NewGuid():N}"[..20];
        using var platform = api.ClientFor("platform.test", api.PlatformToken("pia"));
        await platform.PostAsync($"/platform/tenants/{ghost}/suspend", null).ExpectProblemAsync(HttpStatusCode.NotFound);
        await platform.GetAsync($"/platform/audit?tenant={ghost}").ExpectProblemAsync(HttpStatusCode.NotFound);
        await platform.PostJsonAsync("/platform/tenants", new { id = ghost, name = "Ghost", domains = new[] { taken.Host }, theme = new { } })
            .ExpectProblemAsync(HttpStatusCode.Conflict);

        // The id is onboarded afterwards: its trail starts with its creation.
        await platform.PostJsonAsync("/platform/tenants", new { id = ghost, name = "Late store", domains = new[] { $"{ghost}.test" }, theme = new { } })
            .ExpectAsync(HttpStatusCode.Created);

        var trail = Entries(await TrailAsync(new StoreDriver(api, ghost, $"{ghost}.test")));
        Assert.Equal(["succeeded"], trail.Where(entry => entry.Value<string>("actor") == "user:pia").Select(entry => entry.Value<string>("outcome")));
        var platformTrail = Entries(await platform.GetAsync("/platform/audit?take=100").ExpectAsync(HttpStatusCode.OK));
        Assert.Equal(
            ["POST /platform/tenants", "GET /platform/audit", "POST /platform/tenants/{id}/suspend"],
            platformTrail.Where(entry => entry.Value<string>("actor") == "user:pia" && entry.Value<string>("outcome") != "succeeded").Select(entry => entry.Value<string>("action")));
    }

    [Fact]
    public async Task BusinessRefusal_IsRecordedWithTheStatusTheClientGot()
    {
        var store = await StoreDriver.OnboardAsync(api, "aud-k");
        var sku = store.NewSku("AUD");
        await store.SetStockAsync(sku, 5);
        await store.NewCartAsync(sku, 3);

        await store.Owner.PutJsonAsync($"/admin/stock/{sku}/main", new { onHand = 1 }).ExpectProblemAsync(HttpStatusCode.Conflict, "on-hand-below-reserved");

        var entry = Newest(await TrailAsync(store), "PUT /admin/stock/{sku}/{zone}");
        Assert.Equal(("failed", 409), (entry.Value<string>("outcome"), entry.Value<int>("status")));
    }

    [Fact]
    public async Task PlatformActions_LandInTheStoresTrail_AndPlatformWideOnesInThePlatformTrail()
    {
        var store = await StoreDriver.OnboardAsync(api, "aud-d");
        using var platform = api.ClientFor("platform.test", api.PlatformToken("pat"));

        await platform.PostAsync($"/platform/tenants/{store.TenantId}/suspend", null).ExpectAsync(HttpStatusCode.OK);
        await platform.PostAsync($"/platform/tenants/{store.TenantId}/resume", null).ExpectAsync(HttpStatusCode.OK);
        await platform.GetAsync("/platform/tenants").ExpectAsync(HttpStatusCode.OK);
        // A store role trying a platform action is refused; it concerns no store, so the platform keeps it.
        await api.ClientFor(store.Host, Token("mallory", Grant(store.TenantId, StoreRoles.Owner))).PostAsync($"/platform/tenants/{store.TenantId}/suspend", null)
            .ExpectProblemAsync(HttpStatusCode.Forbidden);

        var trail = await TrailAsync(store);
        var created = Newest(trail, "POST /platform/tenants");
        Assert.Equal(("platform-operator", "platform", "succeeded"), (created.Value<string>("roles"), created.Value<string>("via"), created.Value<string>("outcome")));
        Assert.Equal("user:pat", Newest(trail, "POST /platform/tenants/{id}/suspend").Value<string>("actor"));
        Assert.Equal("user:pat", Newest(trail, "POST /platform/tenants/{id}/resume").Value<string>("actor"));

        var platformTrail = await platform.GetAsync("/platform/audit?take=100").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("user:pat", Newest(platformTrail, "GET /platform/tenants").Value<string>("actor"));
        var refused = Newest(platformTrail, "POST /platform/tenants/{id}/suspend", "user:mallory");
        Assert.Equal(("refused", 403), (refused.Value<string>("outcome"), refused.Value<int>("status")));
    }

    [Fact]
    public async Task CrossStoreRead_IsRecordedInEachStoreItRead()
    {
        var (first, second, third) = (await StoreDriver.OnboardAsync(api, "aud-e"), await StoreDriver.OnboardAsync(api, "aud-f"), await StoreDriver.OnboardAsync(api, "aud-g"));
        using var agency = api.ClientFor("admin.example.test", Token("agency", Grant(first.TenantId, StoreRoles.Owner), Grant(second.TenantId, StoreRoles.Owner), Grant(third.TenantId, StoreRoles.Support)));

        await agency.GetAsync("/admin/stores").ExpectAsync(HttpStatusCode.OK);

        foreach (var store in new[] { first, second })
        {
            var entry = Newest(await TrailAsync(store), "cross-store read GET /admin/stores");
            Assert.Equal(("user:agency", "owner", "cross-store", "succeeded"), (entry.Value<string>("actor"), entry.Value<string>("roles"), entry.Value<string>("via"), entry.Value<string>("outcome")));
        }

        Assert.DoesNotContain(Entries(await TrailAsync(third)), entry => entry.Value<string>("actor") == "user:agency");
    }

    [Fact]
    public async Task CrossStoreRead_OfAStoreNotYetOnboarded_StartsNoTrail_AndThePlatformKeepsIt()
    {
        var newco = $"newco-{Guid.NewGuid():N}"[..20];
        var subject = $"early-{Guid.NewGuid():N}";
        using var early = api.ClientFor("admin.example.test", Token(subject, Grant(newco, StoreRoles.Owner)));
        await early.GetAsync("/admin/stores").ExpectAsync(HttpStatusCode.OK);

        // The id is onboarded afterwards: its owner's trail must not hold the read from before it existed.
        using var platform = api.ClientFor("platform.test", api.PlatformToken("pat"));
        await platform.PostJsonAsync("/platform/tenants", new { id = newco, name = "Late store", domains = new[] { $"{newco}.test" }, theme = new { } })
            .ExpectAsync(HttpStatusCode.Created);

        var ownTrail = await new StoreDriver(api, newco, $"{newco}.test").Owner.GetAsync("/admin/audit?take=100").ExpectAsync(HttpStatusCode.OK);
        Assert.DoesNotContain(Entries(ownTrail), entry => entry.Value<string>("actor") == $"user:{subject}");
        Newest(await platform.GetAsync("/platform/audit?take=100").ExpectAsync(HttpStatusCode.OK), "GET /admin/stores", $"user:{subject}");
    }

    [Fact]
    public async Task StorefrontAndUnauthenticatedRequests_AreNotRecorded()
    {
        var store = await StoreDriver.OnboardAsync(api, "aud-h");
        var sku = store.NewSku("AUD");
        await store.SetStockAsync(sku, 5);
        var countBefore = Entries(await TrailAsync(store)).Count;

        await store.NewCartAsync(sku, 1);
        await store.Shopper.GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);
        await store.Shopper.GetAsync($"/admin/stock/{sku}").ExpectProblemAsync(HttpStatusCode.Unauthorized);

        // Only the first trail read itself was added in between.
        var after = Entries(await TrailAsync(store));
        Assert.Equal(countBefore + 1, after.Count);
        Assert.Equal("GET /platform/audit", after[0].Value<string>("action"));
    }

    [Fact]
    public async Task RequestsWithoutAToken_RefusedBeforeAuthorization_AreNotRecorded()
    {
        // Store resolution refuses these before any token check; recorded, they would let anyone write trails.
        var suspended = await StoreDriver.OnboardAsync(api, "aud-j");
        using var platform = api.ClientFor("platform.test", api.PlatformToken());
        await platform.PostAsync($"/platform/tenants/{suspended.TenantId}/suspend", null).ExpectAsync(HttpStatusCode.OK);
        var marker = Guid.NewGuid().ToString("N");

        await suspended.Shopper.GetAsync($"/admin/zones?m={marker}").ExpectProblemAsync(HttpStatusCode.Forbidden);
        await api.ClientFor($"nobody-{marker}.test").GetAsync($"/admin/zones?m={marker}").ExpectProblemAsync(HttpStatusCode.NotFound);
        using var badSwitch = new HttpRequestMessage(HttpMethod.Get, $"/admin/zones?m={marker}") { Headers = { { TenantResolutionMiddleware.TenantHeader, "!!" } } };
        await suspended.Shopper.SendAsync(badSwitch).ExpectProblemAsync(HttpStatusCode.BadRequest);

        var recorded = Entries(await TrailAsync(suspended)).Concat(Entries(await platform.GetAsync("/platform/audit?take=100").ExpectAsync(HttpStatusCode.OK)));
        Assert.DoesNotContain(recorded, entry => entry.Value<string>("path")!.Contains(marker, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Trail_PagesNewestFirst_WithoutGapsOrRepeats()
    {
        var store = await StoreDriver.OnboardAsync(api, "aud-i");
        for (var i = 0; i < 130; i++)
        {
            await store.Owner.GetAsync("/admin/zones").ExpectAsync(HttpStatusCode.OK);
        }

        var sequences = new List<long>();
        string? before = null;
        do
        {
            var page = await store.Owner.GetAsync($"/admin/audit?take=50{before}").ExpectAsync(HttpStatusCode.OK);
            var entries = page["entries"]!.AsArray();
            Assert.InRange(entries.Count, 1, 50);
            sequences.AddRange(entries.Select(entry => entry!.Value<long>("sequence")));
            before = page["nextBefore"] is { } next ? $"&before={next.GetValue<long>()}" : null;
        }
        while (before is not null);

        Assert.True(sequences.Count >= 131, $"only {sequences.Count} entries");
        Assert.Equal(Enumerable.Range(1, sequences.Count).Select(i => (long)i).Reverse(), sequences);
    }

    [Theory]
    [InlineData(StoreRoles.BrandManager)]
    [InlineData(StoreRoles.Warehouse)]
    [InlineData(StoreRoles.Support)]
    public async Task StoreTrail_IsForItsOwnerOnly(string role)
    {
        var store = await StoreDriver.OnboardAsync(api, "aud-j");

        await store.ClientWith(api.StoreToken(store.TenantId, role)).GetAsync("/admin/audit").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await store.ClientWith(api.PlatformToken()).GetAsync("/admin/audit").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await store.ClientWith(api.StoreToken("fiber-x", StoreRoles.Owner)).GetAsync("/admin/audit").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
        await api.ClientFor(store.Host, api.StoreToken(store.TenantId, role)).GetAsync($"/platform/audit?tenant={store.TenantId}").ExpectProblemAsync(HttpStatusCode.Forbidden, "forbidden");
    }

    [Theory]
    [InlineData("/platform/audit?tenant=no-such-store-aud", HttpStatusCode.NotFound)]
    [InlineData("/platform/audit?tenant=Not_A_Store", HttpStatusCode.BadRequest)]
    [InlineData("/platform/audit?take=0", HttpStatusCode.BadRequest)]
    [InlineData("/platform/audit?take=101", HttpStatusCode.BadRequest)]
    [InlineData("/platform/audit?before=0", HttpStatusCode.BadRequest)]
    [InlineData("/platform/audit?before=abc", HttpStatusCode.BadRequest)]
    public async Task PlatformTrail_BadQueries_AreProblems(string url, HttpStatusCode status)
    {
        await api.ClientFor("platform.test", api.PlatformToken()).GetAsync(url).ExpectProblemAsync(status);
    }

    private async Task<JsonNode> TrailAsync(StoreDriver store) =>
        await api.ClientFor("platform.test", api.PlatformToken()).GetAsync($"/platform/audit?tenant={store.TenantId}&take=100").ExpectAsync(HttpStatusCode.OK);

    private static List<JsonNode> Entries(JsonNode page) => [.. page["entries"]!.AsArray().Select(entry => entry!)];

    private static bool Has(JsonNode page, string action, string? actor = null, string? via = null) => Find(page, action, actor, via) is not null;

    private static JsonNode? Find(JsonNode page, string action, string? actor, string? via) =>
        Entries(page).FirstOrDefault(entry => entry.Value<string>("action") == action
            && (actor is null || entry.Value<string>("actor") == actor)
            && (via is null || entry.Value<string>("via") == via));

    private static JsonNode Newest(JsonNode page, string action, string? actor = null, string? via = null)
    {
        var entry = Find(page, action, actor, via);
        Assert.True(entry is not null, $"No '{action}' entry{(actor is null ? string.Empty : $" by {actor}")} in: {page.ToJsonString()}");
        return entry!;
    }

    private static Claim Grant(string tenant, string role) => new(AuthClaims.StoreRole, AuthClaims.StoreRoleValue(tenant, role));

    private string Token(string subject, params Claim[] grants)
    {
        var now = DateTimeOffset.UtcNow;
        return api.Tokens.Issue(subject, grants, now, now.AddMinutes(10));
    }
}
