using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MultiStore.Api.Auth;
using MultiStore.Api.Hosting;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Platform;
using Orleans.Configuration;

namespace MultiStore.Api.Tests.Hosting;

/// <summary>The embedded default and its options, as the production wiring sets them up.</summary>
[Collection(ApiCollection.Name)]
public sealed class HostingTests(ApiFactory api)
{
    [Fact]
    public void EmbeddedSilo_UsesThePortsFromConfiguration()
    {
        var endpoints = api.Services.GetRequiredService<IOptions<EndpointOptions>>().Value;
        var hosting = api.Services.GetRequiredService<IOptions<OrleansHostingOptions>>().Value;

        Assert.Equal(OrleansMode.Embedded, hosting.Mode);
        Assert.Equal(api.SiloPort, endpoints.SiloPort);
        Assert.Equal(api.GatewayPort, endpoints.GatewayPort);
    }

    [Fact]
    public async Task DemoStores_AreSeededWithDistinctSkus()
    {
        using var platform = api.ClientFor("platform.test", api.PlatformToken());
        var ids = (await PlatformListing.AllAsync(platform)).Select(tenant => tenant.Value<string>("id")).ToList();
        Assert.Contains("fiber-x", ids);
        Assert.Contains("suzume", ids);
        Assert.Contains("showstopper", ids);

        await api.ClientFor("fiber-x.localhost").GetAsync("/api/stock/FBX-TEE-BLK-M").ExpectAsync(HttpStatusCode.OK);
        await api.ClientFor("suzume.localhost").GetAsync("/api/stock/SZM-MUG-ROSE").ExpectAsync(HttpStatusCode.OK);
        await api.ClientFor("showstopper.localhost").GetAsync("/api/stock/SHS-LAMP-GLD").ExpectAsync(HttpStatusCode.OK);
        await api.ClientFor("suzume.localhost").GetAsync("/api/stock/FBX-TEE-BLK-M").ExpectProblemAsync(HttpStatusCode.NotFound);
        var twoZones = await api.ClientFor("fiber-x.localhost").GetAsync("/api/stock/FBX-TEE-BLK-M").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(["east", "main"], twoZones["zones"]!.AsArray().Select(zone => zone!.Value<string>("zone")));
        // Every zone the demo stocks is one the store's warehouse lists.
        var zones = await api.ClientFor("fiber-x.localhost", api.StoreToken("fiber-x", StoreRoles.Owner)).GetAsync("/admin/zones").ExpectAsync(HttpStatusCode.OK);
        Assert.Contains("east", zones["zones"]!.AsArray().Select(zone => zone!.Value<string>("zone")));
    }

    [Fact]
    public async Task DemoSeed_RunTwice_ChangesNothing()
    {
        var before = await api.ClientFor("fiber-x.localhost", api.StoreToken("fiber-x", StoreRoles.Owner)).GetAsync("/admin/stock/FBX-HOODIE-GRY-L").ExpectAsync(HttpStatusCode.OK);

        var seeder = api.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Demo.DemoSeeder>().Single();
        await seeder.StartAsync(CancellationToken.None);

        var after = await api.ClientFor("fiber-x.localhost", api.StoreToken("fiber-x", StoreRoles.Owner)).GetAsync("/admin/stock/FBX-HOODIE-GRY-L").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
    }

    [Fact]
    public async Task DemoSeed_OfAnIdHeldByAnotherStore_LeavesThatStoreAlone()
    {
        var id = $"dmo-{Guid.NewGuid():N}"[..14];
        using var platform = api.ClientFor("platform.test", api.PlatformToken());
        await platform.PostJsonAsync("/platform/tenants", new { id, name = "Theirs", domains = new[] { $"{id}.test" } }).ExpectAsync(HttpStatusCode.Created);
        var seeder = ActivatorUtilities.CreateInstance<Demo.DemoSeeder>(api.Services);
        seeder.Stores = [new(new TenantSpec(id, "Demo", [$"{id}.localhost"], "{}"), [new("DMO-MUG", "main", 9)])];

        await seeder.StartAsync(CancellationToken.None);

        using var owner = api.ClientFor($"{id}.test", api.StoreToken(id, StoreRoles.Owner));
        await owner.GetAsync("/admin/stock/DMO-MUG").ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DemoSeed_AfterShoppersBought_GivesNoUnitsBack()
    {
        var id = $"dmo-{Guid.NewGuid():N}"[..14];
        var seeder = ActivatorUtilities.CreateInstance<Demo.DemoSeeder>(api.Services);
        seeder.Stores = [new(new TenantSpec(id, "Demo", [$"{id}.localhost"], "{}"), [new("DMO-MUG", "main", 9)])];
        await seeder.StartAsync(CancellationToken.None);
        using var owner = api.ClientFor($"{id}.localhost", api.StoreToken(id, StoreRoles.Owner));
        await owner.PostJsonAsync("/admin/stock/DMO-MUG/main/adjustments", new { delta = -4, reason = "sold at the counter" }).ExpectAsync(HttpStatusCode.OK);

        await seeder.StartAsync(CancellationToken.None);

        var level = await owner.GetAsync("/admin/stock/DMO-MUG").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(5, level["zones"]![0]!.Value<int>("onHand"));
    }

    [Fact]
    public async Task DemoSeed_ThenTheSameStoreOnboarded_FillsNothing()
    {
        var id = $"dmo-{Guid.NewGuid():N}"[..14];
        var seeder = ActivatorUtilities.CreateInstance<Demo.DemoSeeder>(api.Services);
        seeder.Stores = [new(new TenantSpec(id, "Demo", [$"{id}.localhost"], "{}"), [new("DMO-MUG", "main", 9)])];
        await seeder.StartAsync(CancellationToken.None);
        var shopper = api.ClientFor($"{id}.localhost");
        var before = await shopper.GetAsync("/api/storefront").ExpectAsync(HttpStatusCode.OK);

        // The demo's own body with catalog settings of its own: answered as a retry, it must not fill.
        using var platform = api.ClientFor("platform.test", api.PlatformToken());
        await platform.PostJsonAsync("/platform/tenants", new
        {
            id, name = "Demo", domains = new[] { $"{id}.localhost" }, theme = new { }, currency = "JPY", skuPrefix = "ZZZ",
        }).ExpectAsync(HttpStatusCode.Created);

        var after = await shopper.GetAsync("/api/storefront").ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(before.ToJsonString(), after.ToJsonString());
    }

    [Fact]
    public void OptionsValidators_NameTheBadKey()
    {
        var auth = new AuthOptionsValidator(publicKeyHarmless: false).Validate(null, new AuthOptions { SigningKey = "too-short", Issuer = "", Audience = "a" });
        var orleans = new OrleansHostingOptionsValidator().Validate(null, new OrleansHostingOptions { SiloPort = 0, GatewayPort = 0 });
        var tenancy = new TenancyOptionsValidator().Validate(null, new TenancyOptions { HostCacheTtl = TimeSpan.FromHours(1) });
        var limits = new RequestLimitsOptionsValidator().Validate(null, new RequestLimitsOptions { MaxBodyBytes = 1 });

        Assert.Contains("Auth:SigningKey", auth.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Auth:Issuer", auth.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Orleans:SiloPort", orleans.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Orleans:GatewayPort", orleans.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Tenancy:HostCacheTtl", tenancy.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("RequestLimits:MaxBodyBytes", limits.FailureMessage, StringComparison.Ordinal);
        Assert.True(new AuthOptionsValidator(publicKeyHarmless: false).Validate(null, new AuthOptions { SigningKey = ApiFactory.SigningKey }).Succeeded);
    }

    [Theory]
    [InlineData(false, OrleansMode.Cluster, "http://127.0.0.1:5180", false, false)]
    [InlineData(false, OrleansMode.Cluster, "http://+:8080", true, true)]
    [InlineData(true, OrleansMode.Cluster, "http://+:8080", false, true)]
    [InlineData(false, OrleansMode.Embedded, "http://localhost:5080", false, true)]
    [InlineData(false, OrleansMode.Embedded, "http://+:8080;http://+:9090", false, false)]
    public void PublicDevelopmentKey_IsAcceptedOnlyWhereNoRealStoreCanBeReached(bool isDevelopment, OrleansMode mode, string urls, bool optedIn, bool accepted)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Urls"] = urls }).Build();
        var options = new AuthOptions { SigningKey = AuthOptions.PublicDevelopmentKey, AllowPublicDevelopmentKey = optedIn };

        var result = AuthOptionsValidator.For(isDevelopment, mode, configuration).Validate(null, options);

        Assert.Equal(accepted, result.Succeeded);
        if (!accepted)
        {
            Assert.Contains("Auth:SigningKey", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void PublicDevelopmentKey_IsTheOneAppSettingsShips()
    {
        var shipped = new ConfigurationBuilder().AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build();

        // The validator recognises the public key by value: the two must never drift apart.
        Assert.Equal(AuthOptions.PublicDevelopmentKey, shipped["Auth:SigningKey"]);
    }

    [Fact]
    public async Task EmbeddedApi_ListeningOnEveryInterface_WithThePublicKey_RefusesToStart()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Auth:SigningKey"] = AuthOptions.PublicDevelopmentKey,
            ["Urls"] = "http://0.0.0.0:0",
        });
        builder.Services.AddMultiStoreAuth();
        await using var app = builder.Build();

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Auth:SigningKey", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownRouteAndWrongMethod_AreProblems()
    {
        await api.ClientFor("fiber-x.localhost").GetAsync("/api/nothing-here").ExpectProblemAsync(HttpStatusCode.NotFound);
        await api.ClientFor("fiber-x.localhost").PatchAsync("/api/carts/3f2504e0-4f89-11d3-9a0c-0305e82c3301", null)
            .ExpectProblemAsync(HttpStatusCode.MethodNotAllowed);
    }
}
