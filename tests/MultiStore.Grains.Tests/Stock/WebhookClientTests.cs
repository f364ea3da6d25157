using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Stock.Webhooks;

namespace MultiStore.Grains.Tests.Stock;

/// <summary>The webhook client as a silo registers it (private networks refused), called with no receiver behind it.</summary>
public sealed class WebhookClientTests
{
    [Fact]
    public async Task Send_ToANameOfThePrivateNetwork_FailsAsANameThatDoesNotExist()
    {
        using var services = DeliveryServices();
        var client = services.GetRequiredService<IHttpClientFactory>().CreateClient(WebhookOptions.HttpClientName);

        // A store reads the failure as its alert's lastError: were the two told apart, it could list which names
        // the platform's own network has (its database, its silos) one webhook at a time.
        var privateName = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("http://localhost:9/hook", new StringContent("{}")));
        var unknownName = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("http://no-such-host.invalid:9/hook", new StringContent("{}")));

        Assert.Equal(privateName.Message.Replace("localhost", "{host}"), unknownName.Message.Replace("no-such-host.invalid", "{host}"));
    }

    private static ServiceProvider DeliveryServices()
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().Build());
        services.AddWebhookDelivery();
        return services.BuildServiceProvider();
    }
}
