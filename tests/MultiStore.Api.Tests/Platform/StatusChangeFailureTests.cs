using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using MultiStore.Grains.Interfaces.Platform;

namespace MultiStore.Api.Tests.Platform;

/// <summary>
/// A suspend or resume whose answer is lost after the store's own record was written: the operator gets an error, and
/// this Api serves the status the record now holds at once, not the one it cached before the call.
/// </summary>
public sealed class StatusChangeFailureTests(StatusChangeFailureApiFactory api) : IClassFixture<StatusChangeFailureApiFactory>
{
    private HttpClient Platform => api.ClientFor("platform.test", api.PlatformToken());

    [Fact]
    public async Task Suspend_WhoseAnswerIsLostAfterTheRecordWasWritten_IsServedAtOnce()
    {
        var store = await StoreDriver.OnboardAsync(api, "sus-lost");
        var sku = store.NewSku();
        await store.SetStockAsync(sku, 5);
        await store.Shopper.GetAsync($"/api/stock/{sku}").ExpectAsync(HttpStatusCode.OK);

        api.Failure.Armed = true;
        try
        {
            await Platform.PostAsync($"/platform/tenants/{store.TenantId}/suspend", null).ExpectProblemAsync(HttpStatusCode.ServiceUnavailable);
        }
        finally
        {
            api.Failure.Armed = false;
        }

        // The host cache holds "active" for a minute here: only clearing it on the failed call shows the suspension.
        await store.Shopper.GetAsync($"/api/stock/{sku}").ExpectProblemAsync(HttpStatusCode.Forbidden, "store-suspended");
    }
}

/// <summary>The API with a long host cache, whose silo can lose the answer of a status change (<see cref="StatusChangeFailure"/>).</summary>
public sealed class StatusChangeFailureApiFactory : ApiFactory
{
    public StatusChangeFailure Failure { get; } = new();

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        builder.UseSetting("Tenancy:HostCacheTtl", "00:01:00");
        builder.ConfigureTestServices(services => services.AddSingleton<IIncomingGrainCallFilter>(Failure));
    }
}

/// <summary>While <see cref="Armed"/>, lets the directory change a store's status, then fails the call as one whose answer never came.</summary>
public sealed class StatusChangeFailure : IIncomingGrainCallFilter
{
    public volatile bool Armed;

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        await context.Invoke();
        if (Armed && context.InterfaceMethod.DeclaringType == typeof(ITenantDirectoryGrain)
            && context.InterfaceMethod.Name == nameof(ITenantDirectoryGrain.SetStatusAsync))
        {
            throw new TimeoutException("Injected: the status was written, its answer never came.");
        }
    }
}
