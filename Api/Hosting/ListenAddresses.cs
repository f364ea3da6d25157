using System.Net;

namespace MultiStore.Api.Hosting;

/// <summary>Where Kestrel will listen, as far as configuration tells: enough to know whether only this machine can connect.</summary>
public static class ListenAddresses
{
    /// <summary>
    /// True when every address the server is configured to listen on is a loopback one (<c>localhost</c>, 127.0.0.0/8,
    /// <c>::1</c>), or none is configured (Kestrel then listens on localhost). Wildcards (<c>+</c>, <c>*</c>,
    /// <c>0.0.0.0</c>), other hosts, bare ports (<c>HTTP_PORTS</c>, which bind every interface) and Unix sockets (a
    /// proxy's way in) count as reachable from elsewhere.
    /// </summary>
    public static bool AreLoopbackOnly(IConfiguration configuration)
    {
        if (!string.IsNullOrWhiteSpace(configuration["http_ports"]) || !string.IsNullOrWhiteSpace(configuration["https_ports"]))
        {
            return false;
        }

        var urls = (configuration["urls"] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(configuration.GetSection("Kestrel:Endpoints").GetChildren().Select(endpoint => endpoint["Url"] ?? string.Empty));
        return urls.All(IsLoopback);
    }

    private static bool IsLoopback(string url)
    {
        BindingAddress address;
        try
        {
            address = BindingAddress.Parse(url);
        }
        catch (FormatException)
        {
            return false;
        }

        if (address.IsUnixPipe || address.IsNamedPipe)
        {
            return false;
        }

        var host = address.Host.Trim('[', ']');
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));
    }
}
