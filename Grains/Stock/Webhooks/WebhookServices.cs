using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MultiStore.Grains.Hosting;

namespace MultiStore.Grains.Stock.Webhooks;

/// <summary>What webhook delivery needs in a silo: its options and its HTTP client (through IHttpClientFactory).</summary>
public static class WebhookServices
{
    /// <summary>
    /// Binds <see cref="WebhookOptions"/> (section <see cref="WebhookOptions.SectionName"/>, validated at start) and
    /// registers the named client: no redirects (the configured URL is the only one called), no proxy, no cookies, the
    /// configured timeout, and — unless private networks are allowed — a connect step that refuses every address that is
    /// not public, whatever the host name resolved to (so DNS cannot point a webhook into the internal network).
    /// </summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<WebhookOptions>, WebhookOptionsValidator>());
        services.AddHttpClient(WebhookOptions.HttpClientName)
            .ConfigureHttpClient((provider, client) => client.Timeout = Options(provider).Timeout)
            .ConfigurePrimaryHttpMessageHandler(provider =>
            {
                var options = Options(provider);
                var handler = new SocketsHttpHandler
                {
                    AllowAutoRedirect = false,
                    UseCookies = false,
                    UseProxy = false,
                    ConnectTimeout = options.Timeout,
                    PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                };
                if (!options.AllowPrivateNetworks)
                {
                    handler.ConnectCallback = ConnectToPublicAddressAsync;
                }

                return handler;
            });
        return services;
    }

    private static WebhookOptions Options(IServiceProvider provider) => provider.GetRequiredService<IOptions<WebhookOptions>>().Value;

    /// <summary>The host's addresses, none when it does not resolve.</summary>
    private static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        try
        {
            return await Dns.GetHostAddressesAsync(host, cancellationToken);
        }
        catch (SocketException)
        {
            return [];
        }
    }

    private static async ValueTask<Stream> ConnectToPublicAddressAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await ResolveAsync(host, cancellationToken);
        var allowed = addresses.Where(WebhookRules.IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            // One answer for a name that resolves only privately and for one that does not resolve: the store reads it
            // as its alert's last error, and two answers would let it list the names of the platform's own network.
            throw new HttpRequestException($"Webhook host '{host}' has no public address; private networks are not called.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
