using System.Net;
using System.Text.Json.Nodes;

namespace MultiStore.Api.Tests.Infrastructure;

/// <summary>
/// <c>GET /platform/tenants</c> followed page by page through its <c>Link: rel="next"</c> headers, as an operator's
/// tool does: tests that look for a store find it wherever it falls among the suite's many stores.
/// </summary>
public static class PlatformListing
{
    /// <summary>One answered page: the stores it holds and the URL its next-page link names (null on the last).</summary>
    public sealed record Page(IReadOnlyList<JsonNode> Stores, string? Next);

    /// <summary>Every store, in the order the pages give them.</summary>
    public static async Task<IReadOnlyList<JsonNode>> AllAsync(HttpClient platform, string firstPage = "/platform/tenants") =>
        [.. (await PagesAsync(platform, firstPage)).SelectMany(page => page.Stores)];

    /// <summary>Every page from <paramref name="firstPage"/> on (at most 1,000, so a link that loops fails the test).</summary>
    public static async Task<IReadOnlyList<Page>> PagesAsync(HttpClient platform, string firstPage)
    {
        var pages = new List<Page>();
        for (var url = firstPage; url is not null; url = pages[^1].Next)
        {
            Assert.True(pages.Count < 1_000, $"More than 1,000 pages from {firstPage}");
            pages.Add(await PageAsync(platform, url));
        }

        return pages;
    }

    /// <summary>The store <paramref name="id"/> as the listing shows it.</summary>
    public static async Task<JsonNode> StoreAsync(HttpClient platform, string id) =>
        (await AllAsync(platform)).Single(store => store.Value<string>("id") == id);

    private static async Task<Page> PageAsync(HttpClient platform, string url)
    {
        using var response = await platform.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {(int)response.StatusCode} {body}");
        var links = response.Headers.TryGetValues("Link", out var values) ? values.ToList() : [];
        Assert.True(links.Count <= 1, $"GET {url}: several Link headers");
        return new Page([.. JsonNode.Parse(body)!.AsArray().Select(store => store!)], links.Count == 0 ? null : NextOf(links[0]));
    }

    /// <summary>The target of an RFC 8288 <c>&lt;url&gt;; rel="next"</c> link.</summary>
    private static string NextOf(string link)
    {
        Assert.Matches("""^<[^>]+>; rel="next"$""", link);
        return link[1..link.IndexOf('>', StringComparison.Ordinal)];
    }
}
