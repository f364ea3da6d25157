using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace MultiStore.Grains.Interfaces.Platform;

/// <summary>
/// The one normal form of a host name, used both when a store claims a domain and when a request's
/// <c>Host</c> header is resolved: lowercase, no port, no trailing dot. Anything else is not a host.
/// </summary>
public static partial class HostNames
{
    private const int MaxLength = 253;

    /// <summary>Normalizes a domain or a <c>Host</c> header value; false for anything that is not a DNS name.</summary>
    public static bool TryNormalize(string? raw, [NotNullWhen(true)] out string? host)
    {
        host = null;
        if (string.IsNullOrWhiteSpace(raw))
        {
            return false;
        }

        var candidate = raw.Trim();
        var colon = candidate.IndexOf(':');
        if (colon >= 0)
        {
            // A port is ignored; anything after it other than a TCP port (or an IPv6 literal) is not a host.
            var port = candidate[(colon + 1)..];
            if (port.Length is 0 or > 5 || !port.All(char.IsAsciiDigit) || int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) is < 1 or > 65535)
            {
                return false;
            }

            candidate = candidate[..colon];
        }

        // ASCII only, checked before lower-casing: the invariant culture folds some other letters to ASCII ones (the
        // Kelvin sign to 'k'), so "\u212Akumo.test" would become kkumo.test, a domain it is not. An internationalized
        // name is given in its ASCII form (xn--…).
        if (!System.Text.Ascii.IsValid(candidate))
        {
            return false;
        }

        // One trailing dot is the DNS root ("shop.example."); two are no name at all.
        candidate = (candidate.EndsWith('.') ? candidate[..^1] : candidate).ToLowerInvariant();
        // An all-digit last label means an IP literal: stores are found by name only.
        if (candidate.Length is 0 or > MaxLength || !DnsName().IsMatch(candidate) || candidate[(candidate.LastIndexOf('.') + 1)..].All(char.IsAsciiDigit))
        {
            return false;
        }

        host = candidate;
        return true;
    }

    [GeneratedRegex(@"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\z", RegexOptions.CultureInvariant)]
    private static partial Regex DnsName();
}
