using System.Net;
using System.Net.Sockets;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Grains.Stock.Webhooks;

/// <summary>Which webhook URLs and addresses the platform calls: a store's webhook goes out, never in.</summary>
public static class WebhookRules
{
    public const int MaxUrlLength = 2000;

    /// <summary>The URL as it will be called; refused with <c>invalid-webhook</c> when the platform will not call it.</summary>
    public static Uri Url(string url, bool allowPrivateNetworks)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength
            || !Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https")
            // The escaped form is what is stored and called: "é" written 1,000 times is 6,000 characters of "%C3%A9".
            || uri.AbsoluteUri.Length > MaxUrlLength)
        {
            throw Invalid($"A webhook is an absolute http or https URL of at most {MaxUrlLength} characters, once escaped.");
        }

        if (uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            throw Invalid("A webhook URL carries no user name, password or fragment.");
        }

        // Uri accepts some Unicode host names it cannot write as the ASCII name a request goes to (U+2488 "⒈"):
        // IdnHost throws for those, which answered 500 here and failed every delivery tick of the store later.
        if (!TryIdnHost(uri, out var idnHost))
        {
            throw Invalid("A webhook's host name must be a valid internationalized domain name.");
        }

        if (!allowPrivateNetworks)
        {
            var host = idnHost.TrimEnd('.');
            if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
                || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && !IsPublic(address)))
            {
                throw Invalid("A webhook must reach a public address, not this machine or a private network.");
            }
        }

        return uri;
    }

    /// <summary>False for loopback, private, shared, link-local, multicast and reserved addresses (IPv4 and IPv6).</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] is 0 or 10 or 127 or >= 224
                || (b[0] == 100 && b[1] is >= 64 and <= 127)
                || (b[0] == 169 && b[1] == 254)
                || (b[0] == 172 && b[1] is >= 16 and <= 31)
                || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2)
                || (b[0] == 192 && b[1] == 168)
                || (b[0] == 198 && b[1] is 18 or 19)
                || (b[0] == 198 && b[1] == 51 && b[2] == 100)
                || (b[0] == 203 && b[1] == 0 && b[2] == 113));
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            // IPv6 addresses that carry an IPv4 address a gateway would reach: NAT64 (64:ff9b::/96) and 6to4
            // (2002::/16) are judged by that address, so 64:ff9b::a9fe:a9fe is 169.254.169.254.
            if (b is [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, ..])
            {
                return IsPublic(new IPAddress(b.AsSpan(12, 4)));
            }

            if (b is [0x20, 0x02, ..])
            {
                return IsPublic(new IPAddress(b.AsSpan(2, 4)));
            }

            return !(IPAddress.IsLoopback(address) || address.Equals(IPAddress.IPv6None)
                || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6Teredo
                || (b[0] & 0xFE) == 0xFC
                // ::/96 (IPv4-compatible and unspecified), ::ffff:0:0:0/96 (IPv4-translated), local-use NAT64 and documentation.
                || b.AsSpan(0, 10).IndexOfAnyExcept((byte)0) < 0
                || b is [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, ..]
                || b is [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01, ..]
                || b is [0x20, 0x01, 0x0d, 0xb8, ..]);
        }

        return false;
    }

    private static bool TryIdnHost(Uri uri, out string idnHost)
    {
        try
        {
            idnHost = uri.IdnHost;
            return true;
        }
        catch (UriFormatException)
        {
            idnHost = string.Empty;
            return false;
        }
    }

    private static StoreRuleException Invalid(string message) => new(RuleCodes.InvalidWebhook, message);
}
