using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace MultiStore.Cluster.Tests.Hosting;

/// <summary>
/// Requests to a <see cref="LocalCluster"/>'s Api as a browser or an admin tool sends them: the Host header picks
/// the store (none: the Api's own address), a bearer token the role. Every call states the status it expects, and a
/// different one fails the test with the body that came back.
/// </summary>
public static class ApiRequests
{
    /// <summary>Sends <paramref name="body"/> (as JSON, if any) and returns the answer as JSON (<c>{}</c> when empty).</summary>
    public static async Task<JsonNode> SendAsync(
        this LocalCluster cluster, HttpMethod method, string path, string? host, string? token, object? body, HttpStatusCode expected)
    {
        var (_, text) = await SendForTextAsync(cluster, method, path, host, token, body, expected);
        return JsonNode.Parse(text.Length == 0 ? "{}" : text)!;
    }

    /// <summary>A GET whose answer is not JSON (robots.txt, sitemap.xml): its media type and text.</summary>
    public static Task<(string? MediaType, string Text)> GetTextAsync(this LocalCluster cluster, string path, string host, HttpStatusCode expected) =>
        SendForTextAsync(cluster, HttpMethod.Get, path, host, token: null, body: null, expected);

    private static async Task<(string? MediaType, string Text)> SendForTextAsync(
        LocalCluster cluster, HttpMethod method, string path, string? host, string? token, object? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await cluster.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path} on {host ?? "the Api's address"}: expected {(int)expected}, got {(int)response.StatusCode} {text}");
        return (response.Content.Headers.ContentType?.MediaType, text);
    }
}
