using MultiStore.Grains.Interfaces.Platform;

namespace MultiStore.Api.Features.Storefront;

/// <summary>Absolute storefront URLs for the Host a request came on (normalized: lower case, no port unless given).</summary>
public static class StorefrontUrls
{
    public static string Origin(HttpRequest request)
    {
        var host = HostNames.TryNormalize(request.Host.Host, out var normalized) ? normalized : request.Host.Host;
        return request.Host.Port is { } port ? $"{request.Scheme}://{host}:{port}" : $"{request.Scheme}://{host}";
    }

    public static string Product(string origin, string handle) => $"{origin}/products/{Uri.EscapeDataString(handle)}";

    public static string SitemapPage(string origin, int page) => $"{origin}/sitemaps/{page.ToString(System.Globalization.CultureInfo.InvariantCulture)}.xml";
}
