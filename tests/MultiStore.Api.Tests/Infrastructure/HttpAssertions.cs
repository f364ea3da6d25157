using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace MultiStore.Api.Tests.Infrastructure;

/// <summary>Small helpers for JSON requests and RFC 9457 problem responses.</summary>
public static class Http
{
    public const string ProblemContentType = "application/problem+json";

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static StringContent Json(object body) => Json(JsonSerializer.Serialize(body, JsonSerializerOptions.Web));

    public static async Task<JsonNode> ReadJsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonNode.Parse(text) ?? throw new InvalidOperationException("Empty JSON body.");
    }

    public static async Task<JsonNode> ExpectAsync(this Task<HttpResponseMessage> send, HttpStatusCode status)
    {
        using var response = await send;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonNode.Parse(body) ?? throw new InvalidOperationException("Empty JSON body.");
    }

    /// <summary>Asserts a problem response with <paramref name="status"/> and returns its body.</summary>
    public static async Task<JsonNode> ExpectProblemAsync(this Task<HttpResponseMessage> send, HttpStatusCode status, string? code = null)
    {
        using var response = await send;
        return await response.ExpectProblemAsync(status, code);
    }

    public static async Task<JsonNode> ExpectProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string? code = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal(ProblemContentType, response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(body)!;
        Assert.Equal((int)status, problem["status"]!.GetValue<int>());
        if (code is not null)
        {
            Assert.Equal(code, problem["code"]?.GetValue<string>());
        }

        return problem;
    }

    public static Task<HttpResponseMessage> PutJsonAsync(this HttpClient client, string url, object body) => client.PutAsync(url, Json(body));

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) => client.PostAsync(url, Json(body));

    public static Task<HttpResponseMessage> GetJsonAsync(this HttpClient client, string url) => client.GetAsync(url);

    public static T Value<T>(this JsonNode node, string name) => node[name]!.GetValue<T>();

    public static HttpStatusCode Status(int code) => (HttpStatusCode)code;

    public static Task<T?> ReadAsync<T>(this HttpResponseMessage response) => response.Content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web);
}
