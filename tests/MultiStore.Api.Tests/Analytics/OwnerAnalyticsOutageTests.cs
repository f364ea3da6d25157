using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using MultiStore.Api.Auth;
using MultiStore.Grains.Interfaces.Analytics;

namespace MultiStore.Api.Tests.Analytics;

/// <summary>
/// The owner's cross-store figures while one of the owned stores cannot be read: the others are shown and that one
/// is named under <c>unavailable</c>, as platform analytics does, rather than a 503 for the whole view.
/// </summary>
public sealed class OwnerAnalyticsOutageTests(AnalyticsOutageApiFactory api) : IClassFixture<AnalyticsOutageApiFactory>
{
    [Fact]
    public async Task OwnerAnalytics_WithOneOwnedStoreUnreadable_ShowsTheOthers_AndNamesItUnavailable()
    {
        var (up, down) = (await StoreDriver.OnboardAsync(api, "oau-up"), await StoreDriver.OnboardAsync(api, AnalyticsOutageApiFactory.DownStore));
        var now = DateTimeOffset.UtcNow;
        var token = api.Tokens.Issue("analyst", [Grant(up.TenantId), Grant(down.TenantId)], now, now.AddMinutes(10));

        var view = await api.ClientFor("admin.example.test", token).GetAsync("/admin/stores/analytics").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal(1, view.Value<int>("storesRead"));
        Assert.Equal([up.TenantId], view["stores"]!.AsArray().Select(store => store!.Value<string>("store")));
        Assert.Equal([down.TenantId], view["unavailable"]!.AsArray().Select(store => store!.GetValue<string>()));
    }

    [Fact]
    public async Task OwnerAnalytics_WithOneOwnedStoreUnreadable_AuditsTheReadOnlyInTheStoreItShows()
    {
        // The unavailable store's profile is read before its figures fail: no figures of it were returned, so its
        // owner's trail must not say they were.
        var (up, down) = (await StoreDriver.OnboardAsync(api, "oau-up"), await StoreDriver.OnboardAsync(api, AnalyticsOutageApiFactory.DownStore));
        var subject = $"analyst-{Guid.NewGuid():N}";
        var now = DateTimeOffset.UtcNow;
        var token = api.Tokens.Issue(subject, [Grant(up.TenantId), Grant(down.TenantId)], now, now.AddMinutes(10));

        var view = await api.ClientFor("admin.example.test", token).GetAsync("/admin/stores/analytics").ExpectAsync(HttpStatusCode.OK);

        Assert.Equal([down.TenantId], view["unavailable"]!.AsArray().Select(store => store!.GetValue<string>()));
        Assert.Equal(["cross-store read GET /admin/stores/analytics"], await ActionsInTrailAsync(up, subject));
        Assert.Empty(await ActionsInTrailAsync(down, subject));
    }

    private async Task<List<string?>> ActionsInTrailAsync(StoreDriver store, string subject)
    {
        var trail = await api.ClientFor("platform.test", api.PlatformToken()).GetAsync($"/platform/audit?tenant={store.TenantId}&take=100").ExpectAsync(HttpStatusCode.OK);
        return [.. trail["entries"]!.AsArray().Where(entry => entry!.Value<string>("actor") == $"user:{subject}").Select(entry => entry!.Value<string>("action"))];
    }

    private static Claim Grant(string tenant) => new(AuthClaims.StoreRole, AuthClaims.StoreRoleValue(tenant, StoreRoles.Owner));
}

/// <summary>The API whose silo answers the analytics of the stores onboarded as <see cref="DownStore"/> as a cluster that cannot answer.</summary>
public sealed class AnalyticsOutageApiFactory : ApiFactory
{
    public const string DownStore = "oau-down";

    protected override void ConfigureSettings(IWebHostBuilder builder) =>
        builder.ConfigureTestServices(services => services.AddSingleton<IIncomingGrainCallFilter, AnalyticsOutage>());

    private sealed class AnalyticsOutage : IIncomingGrainCallFilter
    {
        public Task Invoke(IIncomingGrainCallContext context) =>
            context.Grain is IStoreAnalyticsGrain && context.TargetId.Key.ToString()!.StartsWith($"{DownStore}-", StringComparison.Ordinal)
                ? throw new TimeoutException("Injected: no answer in time.")
                : context.Invoke();
    }
}
