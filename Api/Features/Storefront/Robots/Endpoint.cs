using FastEndpoints;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Storefront.Robots;

/// <summary>
/// GET /robots.txt: per Host, lets crawlers in everywhere but the admin API and shoppers' carts and orders, and points
/// at the store's own sitemap on the same host.
/// </summary>
public sealed class Endpoint(TenantGrains grains) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/robots.txt");
        AllowAnonymous();
        Description(endpoint => endpoint.WithTags("Storefront").WithSummary("robots.txt of the store at this host").Produces<string>(200, "text/plain"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        // Resolving the grains proves the store is served here (the tenant middleware already answered otherwise).
        _ = grains.Tenant;
        var origin = StorefrontUrls.Origin(HttpContext.Request);
        var robots = $"""
            User-agent: *
            Disallow: /admin/
            Disallow: /api/carts/
            Disallow: /api/orders/
            Allow: /

            Sitemap: {origin}/sitemap.xml

            """;
        await Send.StringAsync(robots.Replace("\r\n", "\n", StringComparison.Ordinal), contentType: "text/plain; charset=utf-8", cancellation: ct);
    }
}
