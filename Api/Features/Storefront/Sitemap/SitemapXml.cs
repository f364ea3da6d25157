using System.Globalization;
using System.Text;
using System.Xml;

namespace MultiStore.Api.Features.Storefront.Sitemap;

/// <summary>The two sitemaps.org 0.9 documents: a list of URLs (<c>urlset</c>) and a list of such lists (<c>sitemapindex</c>).</summary>
public static class SitemapXml
{
    private const string Namespace = "http://www.sitemaps.org/schemas/sitemap/0.9";

    public static string UrlSet(IEnumerable<(string Location, DateTimeOffset? LastModified)> urls) =>
        Write("urlset", "url", urls);

    public static string Index(IEnumerable<(string Location, DateTimeOffset? LastModified)> sitemaps) =>
        Write("sitemapindex", "sitemap", sitemaps);

    private static string Write(string root, string item, IEnumerable<(string Location, DateTimeOffset? LastModified)> entries)
    {
        var text = new StringBuilder();
        using (var xml = XmlWriter.Create(text, new XmlWriterSettings { Indent = true, Encoding = Encoding.UTF8 }))
        {
            xml.WriteStartDocument();
            xml.WriteStartElement(null, root, Namespace);
            foreach (var (location, lastModified) in entries)
            {
                xml.WriteStartElement(null, item, Namespace);
                xml.WriteElementString(null, "loc", Namespace, location);
                if (lastModified is { } at)
                {
                    xml.WriteElementString(null, "lastmod", Namespace, at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                }

                xml.WriteEndElement();
            }

            xml.WriteEndElement();
            xml.WriteEndDocument();
        }

        // StringBuilder output declares utf-16; the body is sent as UTF-8, so say so.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }
}
