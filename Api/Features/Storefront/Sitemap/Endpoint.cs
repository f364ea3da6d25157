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
public sealed class Endpoint(TenantGrains grains) : EndpointWithoutRequest
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
        var catalog = grains.Catalog();
        var products = new List<Product>();
        // Paged over every product in the order they were created, keeping the active ones: that list only grows at
        // its end (an archived product keeps its place), so no product is skipped or listed twice when one is archived
        // or brought back between two pages, as paging over the active ones alone did.
        for (var skip = 0; products.Count < MaxUrls - 1; skip += 1000)
        {
            var page = await catalog.ListAsync(new ProductQuery(null, null, skip, 1000));
            products.AddRange(page.Items.Where(product => product.Status == ProductStatus.Active));
            if (page.Items.Count < 1000)
            {
                break;
            }
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
        var body = text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
        await Send.StringAsync(body, contentType: "application/xml; charset=utf-8", cancellation: ct);
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
