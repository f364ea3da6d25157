using System.Net;

namespace MultiStore.Api.Hosting;

/// <summary>
/// Who one client is, as the per-client limits count it. An IPv4 address is one client, also when a dual-stack
/// listener shows it as IPv4-mapped IPv6 (<c>::ffff:a.b.c.d</c>, while a proxy's <c>X-Forwarded-For</c> names it
/// plainly). An IPv6 client is its /64: a subscriber is handed a whole /64 and may take a fresh address in it for
/// every request, so counting addresses would give one shopper as many budgets as it likes (and a limiter each).
/// </summary>
public static class ClientAddress
{
    private const int IPv6InterfaceIdBytes = 8;

    /// <summary>The partition key of <paramref name="address"/>'s client; empty when the server knows no address.</summary>
    public static string KeyOf(IPAddress? address)
    {
        if (address is null)
        {
            return string.Empty;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, bytes.Length - IPv6InterfaceIdBytes, IPv6InterfaceIdBytes);
        return $"{new IPAddress(bytes)}/64";
    }
}
