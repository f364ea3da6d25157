using FastEndpoints;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Storefront.Sitemap;

/// <summary>
/// GET /sitemap.xml: per Host, the store's home page and one URL per active product (<c>/products/{handle}</c>) with
/// its last change, from that store's catalog only (sitemaps.org 0.9). A store with more than 50,000 URLs gets a
/// sitemap index instead, whose pages are <c>/sitemaps/{page}.xml</c>.
/// </summary>
public sealed class Endpoint(TenantGrains grains, SitemapCache cache) : EndpointWithoutRequest
{
    public override void Configure()
    {
        Get("/sitemap.xml");
        AllowAnonymous();
        Description(endpoint => endpoint.WithTags("Storefront").WithSummary("sitemap.xml of the store at this host").Produces<string>(200, "application/xml"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var sitemap = await cache.GetAsync(grains);
        var body = sitemap.Document(StorefrontUrls.Origin(HttpContext.Request), StoreSitemap.Root)!;
        await Send.StringAsync(body, contentType: "application/xml; charset=utf-8", cancellation: ct);
    }
}
