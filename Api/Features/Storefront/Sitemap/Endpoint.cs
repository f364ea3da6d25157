using System.Globalization;
using System.Text;
using System.Xml;
using FastEndpoints;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Catalog;

namespace MultiStore.Api.Features.Storefront.Sitemap;

/// <summary>
/// GET /sitemap.xml: per Host, the store's home page and one URL per active product (<c>/products/{handle}</c>) with
/// its last change, from that store's catalog only (sitemaps.org 0.9, at most 50,000 URLs).
/// </summary>
public sealed class Endpoint(TenantGrains grains, SitemapCache cache) : EndpointWithoutRequest
{
    public const int MaxUrls = 50_000;
    private const string Namespace = "http://www.sitemaps.org/schemas/sitemap/0.9";

    public override void Configure()
    {
        Get("/sitemap.xml");
        AllowAnonymous();
        Description(endpoint => endpoint.WithTags("Storefront").WithSummary("sitemap.xml of the store at this host").Produces<string>(200, "application/xml"));
    }

    public override async Task HandleAsync(CancellationToken ct)
    {
        var origin = StorefrontUrls.Origin(HttpContext.Request);
        var body = await cache.GetOrBuildAsync(grains.Tenant, origin, () => BuildAsync(origin));
        await Send.StringAsync(body, contentType: "application/xml; charset=utf-8", cancellation: ct);
    }

    private async Task<string> BuildAsync(string origin)
    {
        var catalog = grains.Catalog();
        var products = new List<Product>();
        // By cursor over the order products were created in, which only grows at its end: no product is skipped or
        // listed twice when another is archived or brought back between two pages.
        int? after = 0;
        while (after is { } position && products.Count < MaxUrls - 1)
        {
            var page = await catalog.ListAsync(new ProductQuery(ProductStatus.Active, null, 0, 1000, position));
            products.AddRange(page.Items);
            after = page.Next;
        }

        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, Encoding = Encoding.UTF8, Async = true }))
        {
            await xml.WriteStartDocumentAsync();
            await xml.WriteStartElementAsync(null, "urlset", Namespace);
            await WriteUrlAsync(xml, $"{origin}/", null);
            foreach (var product in products.Take(MaxUrls - 1))
            {
                await WriteUrlAsync(xml, StorefrontUrls.Product(origin, product.Handle), product.UpdatedAt);
            }

            await xml.WriteEndElementAsync();
            await xml.WriteEndDocumentAsync();
        }

        // StringBuilder output declares utf-16; the body is sent as UTF-8, so say so.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    private static async Task WriteUrlAsync(XmlWriter xml, string location, DateTimeOffset? lastModified)
    {
        await xml.WriteStartElementAsync(null, "url", Namespace);
        await xml.WriteElementStringAsync(null, "loc", Namespace, location);
        if (lastModified is { } at)
        {
            await xml.WriteElementStringAsync(null, "lastmod", Namespace, at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        await xml.WriteEndElementAsync();
    }
}
