using FastEndpoints;
using MultiStore.Api.Features.Storefront.Sitemap;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Storefront.SitemapPage;

/// <summary>
/// GET /sitemaps/{page}.xml: one page of the store's sitemap, the URLs a sitemap index at <c>/sitemap.xml</c> points
/// at when a store has more than fit in one document (a store whose URLs fit has page 1 only).
/// </summary>
public sealed class Endpoint(TenantGrains grains, SitemapCache cache) : Endpoint<Request>
{
    public override void Configure()
    {
        Get("/sitemaps/{page}.xml");
        AllowAnonymous();
        Description(endpoint => endpoint.WithTags("Storefront").WithSummary("One page of the sitemap of the store at this host")
            .Produces<string>(200, "application/xml").ProducesProblem(400).ProducesProblem(404));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var sitemap = await cache.GetAsync(grains);
        if (sitemap.Document(StorefrontUrls.Origin(HttpContext.Request), req.PageNumber) is not { } body)
        {
            await Send.ResultAsync(ApiProblem.NotFound("sitemap page"));
            return;
        }

        await Send.StringAsync(body, contentType: "application/xml; charset=utf-8", cancellation: ct);
    }
}
