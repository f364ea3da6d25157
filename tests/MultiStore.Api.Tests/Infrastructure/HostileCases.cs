using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace MultiStore.Api.Tests.Infrastructure;

/// <summary>One hostile variant of an endpoint's sample request.</summary>
/// <param name="Name">What was done to the sample, e.g. <c>body.quantity=huge</c> or <c>route.sku=traversal</c>.</param>
/// <param name="Body">The body to send (null: none), as raw text.</param>
/// <param name="RepeatedHeader">A header sent twice with the request.</param>
public sealed record HostileCase(string Name, string Url, string? Body, string? ContentType, string? RepeatedHeader = null)
{
    public override string ToString() => Name;
}

/// <summary>
/// Generates hostile variants of a catalog endpoint's sample request, from the sample alone, so that a new endpoint
/// is attacked as soon as it has a catalog entry: every route value, query value and top-level body field is replaced
/// in turn by values no id or number of the contract accepts, and the body as a whole by malformed JSON, wrong root
/// types, an empty body, unknown and repeated fields; headers that may appear once are repeated.
/// </summary>
public static partial class HostileCases
{
    /// <summary>Route values no id of the contract accepts (already escaped for a URL path).</summary>
    public static IReadOnlyList<(string Kind, string Value)> RouteValues { get; } =
    [
        ("overlong", new string('a', 300)),
        ("very-long", new string('a', 5_000)),
        ("non-ascii", "%C3%A4%C3%B6%C3%BC"),
        ("emoji", "%F0%9F%98%80"),
        ("traversal", "..%2F..%2Fadmin"),
        ("backslash-traversal", "..%5C..%5Cadmin"),
        ("dot-dot", "%2E%2E"),
        // A NUL in the path never reaches the app: Kestrel refuses it (see KestrelEdgeTests); TestServer cannot send it.
        ("newline", "a%0Ab"),
        // A regular expression's '$' also matches before a final line feed: ids are checked to their very end.
        ("final-line-feed", "a%0A"),
        ("space", "a%20b"),
        ("key-separator", "a%2Fb"),
        ("zone-separator", "a%40b"),
        ("percent", "%25"),
        ("angle-brackets", "%3Cscript%3E"),
    ];

    /// <summary>JSON values no number field of the contract accepts (signed and decimal fields excepted by hints).</summary>
    private static readonly (string Kind, string Json)[] NumberValues =
    [
        ("huge", "1e30"),
        ("beyond-int64", "99999999999999999999999"),
        ("beyond-double", "1e400"),
        ("negative-beyond-double", "-1e400"),
        ("negative-huge", "-1e30"),
        ("negative", "-1"),
        ("int-min", "-2147483649"),
        ("fraction", "1.5"),
        ("string", "\"1\""),
        ("bool", "true"),
        ("object", "{}"),
        ("array", "[1]"),
        ("nan-string", "\"NaN\""),
    ];

    /// <summary>JSON values no string field of the contract accepts (free-text fields excepted from non-ASCII by hints).</summary>
    private static readonly (string Kind, string Json)[] StringValues =
    [
        ("overlong", $"\"{new string('x', 10_000)}\""),
        ("non-ascii", "\"äöü😀\""),
        ("nul", "\"a\\u0000b\""),
        ("control", "\"a\\u0007\\u001bb\""),
        ("final-line-feed", "\"abc\\n\""),
        ("traversal", "\"../../admin\""),
        ("number", "42"),
        ("bool", "false"),
        ("object", "{\"a\":1}"),
        ("array", "[\"a\"]"),
    ];

    private static readonly (string Kind, string Json)[] ObjectValues =
    [
        ("array", "[]"),
        ("string", "\"x\""),
        ("number", "5"),
        ("deep", string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200)),
    ];

    private static readonly (string Kind, string Json)[] ArrayValues =
    [
        ("string", "\"x\""),
        ("object", "{}"),
        ("number", "5"),
        ("nested-garbage", "[[[[[[[[[[[[]]]]]]]]]]]]"),
        // Validators check each item's fields, and skip an item that is null.
        ("null-item", "[null]"),
    ];

    private static readonly (string Kind, string Text)[] WholeBodies =
    [
        ("malformed-open", "{"),
        ("malformed-value", "{\"a\":}"),
        ("malformed-trailing-comma", "{\"a\":1,}"),
        ("malformed-unquoted", "{a:1}"),
        ("malformed-single-quotes", "{'a':1}"),
        ("root-array", "[]"),
        ("root-string", "\"text\""),
        ("root-number", "42"),
        ("root-null", "null"),
        ("binary", "\u0000\u0001\u0002\uFFFD"),
        ("bom-garbage", "\uFEFF}{"),
        ("deep-arrays", new string('[', 1_000) + new string(']', 1_000)),
        ("deep-objects", string.Concat(Enumerable.Repeat("{\"a\":", 1_000)) + "1" + new string('}', 1_000)),
    ];

    /// <summary>Every hostile variant of <paramref name="endpoint"/>'s sample for a store's <paramref name="ids"/>.</summary>
    public static IReadOnlyList<HostileCase> For(EndpointCase endpoint, StoreIds ids)
    {
        using var sample = endpoint.Sample!(ids);
        var url = sample.RequestUri!.OriginalString;
        var body = sample.Content?.ReadAsStringAsync().GetAwaiter().GetResult();
        var contentType = sample.Content?.Headers.ContentType?.MediaType;
        var cases = new List<HostileCase>();

        cases.AddRange(RouteCases(endpoint, url, body, contentType));
        cases.AddRange(QueryCases(endpoint, url, body, contentType));
        if (body is not null)
        {
            cases.AddRange(contentType == "application/json" ? JsonBodyCases(endpoint, url, body) : OtherBodyCases(endpoint, url, contentType));
        }

        foreach (var header in RepeatableHeaders(body is not null))
        {
            cases.Add(new HostileCase($"header.{header}=twice", url, body, contentType, header));
        }

        return cases;
    }

    private static IEnumerable<HostileCase> RouteCases(EndpointCase endpoint, string url, string? body, string? contentType)
    {
        var (path, query) = Split(url);
        var routeSegments = endpoint.Route.Trim('/').Split('/');
        var pathSegments = path.Trim('/').Split('/');
        for (var i = 0; i < routeSegments.Length && i < pathSegments.Length; i++)
        {
            var parameter = RouteParameter().Match(routeSegments[i]);
            if (!parameter.Success)
            {
                continue;
            }

            foreach (var (kind, value) in RouteValues)
            {
                if (endpoint.Accepting($"route-{kind}", parameter.Groups["name"].Value))
                {
                    continue;
                }

                var segments = (string[])pathSegments.Clone();
                segments[i] = value;
                yield return new HostileCase($"route.{parameter.Groups["name"].Value}={kind}", "/" + string.Join('/', segments) + query, body, contentType);
            }
        }
    }

    private static IEnumerable<HostileCase> QueryCases(EndpointCase endpoint, string url, string? body, string? contentType)
    {
        var (path, query) = Split(url);
        if (query.Length <= 1)
        {
            yield break;
        }

        var pairs = query[1..].Split('&').Select(pair => pair.Split('=', 2)).ToList();
        for (var i = 0; i < pairs.Count; i++)
        {
            var name = pairs[i][0];
            var numeric = long.TryParse(pairs[i][1], out _);
            var values = numeric
                ? new[] { ("negative", "-1"), ("huge", "99999999999999999999999"), ("int32-overflow", "2147483648"), ("fraction", "1.5"), ("word", "abc"), ("nul", "%00"), ("exponent", "1e3") }
                : [("overlong", new string('a', 300)), ("non-ascii", "%C3%A4%C3%B6"), ("traversal", "..%2F..%2Fadmin"), ("nul", "%00")];
            foreach (var (kind, value) in values)
            {
                if (endpoint.Accepting($"query-{kind}", name))
                {
                    continue;
                }

                var changed = pairs.Select((pair, index) => index == i ? $"{name}={value}" : string.Join('=', pair));
                yield return new HostileCase($"query.{name}={kind}", $"{path}?{string.Join('&', changed)}", body, contentType);
            }

            yield return new HostileCase($"query.{name}=repeated", $"{url}&{string.Join('=', pairs[i])}", body, contentType);
        }
    }

    private static IEnumerable<HostileCase> JsonBodyCases(EndpointCase endpoint, string url, string body)
    {
        const string Json = "application/json";
        foreach (var (kind, text) in WholeBodies)
        {
            // "null" is "no fields" to an endpoint whose fields are all optional.
            if (!(kind == "root-null" && endpoint.Accepting("empty-body")))
            {
                yield return new HostileCase($"body={kind}", url, text, Json);
            }
        }

        yield return new HostileCase("body=truncated", url, body[..(body.Length / 2)], Json);
        yield return new HostileCase("body=as-text-plain", url, body, "text/plain");
        yield return new HostileCase("body=as-form", url, "quantity=1", "application/x-www-form-urlencoded");
        yield return new HostileCase("body=unknown-charset", url, body, "application/json; charset=no-such-charset");
        yield return new HostileCase("body=mislabelled-charset", url, body, "application/json; charset=utf-16");

        if (!endpoint.Accepting("empty-body"))
        {
            yield return new HostileCase("body=empty", url, string.Empty, Json);
            yield return new HostileCase("body=empty-object", url, "{}", Json);
        }

        if (JsonNode.Parse(body) is not JsonObject sample)
        {
            yield break;
        }

        if (!endpoint.OwnBodyLimit)
        {
            // Over the API-wide body limit (64 KiB): 413 before anything reads it.
            yield return new HostileCase("body=oversized", url, With(sample, "pad", $"\"{new string('x', 70 * 1024)}\""), Json);
        }

        yield return new HostileCase("body.unknown-field", url, With(sample, "unexpectedField", "1"), Json);
        yield return new HostileCase("body.__proto__", url, With(sample, "__proto__", "{\"admin\":true}"), Json);
        if (sample.Count > 0)
        {
            var first = sample.First();
            yield return new HostileCase($"body.{first.Key}=repeated", url, body.TrimEnd()[..^1] + $",\"{first.Key}\":{first.Value?.ToJsonString() ?? "null"}}}", Json);
            yield return new HostileCase($"body.{first.Key}=repeated-other-case", url, body.TrimEnd()[..^1] + $",\"{first.Key.ToUpperInvariant()}\":{first.Value?.ToJsonString() ?? "null"}}}", Json);
        }

        foreach (var (field, value) in sample)
        {
            foreach (var (kind, json) in ValuesFor(value))
            {
                if (endpoint.Accepting(kind, field) || (kind == "fraction" && value is JsonValue number && number.ToJsonString().Contains('.', StringComparison.Ordinal)))
                {
                    continue;
                }

                yield return new HostileCase($"body.{field}={kind}", url, With(sample, field, json), Json);
            }
        }
    }

    private static IEnumerable<HostileCase> OtherBodyCases(EndpointCase endpoint, string url, string? contentType)
    {
        if (!endpoint.Accepting("empty-body"))
        {
            yield return new HostileCase("body=empty", url, string.Empty, contentType);
        }

        yield return new HostileCase("body=binary", url, "\u0000\u0001\u0002\uFFFD", contentType);
        yield return new HostileCase("body=json-instead", url, "{\"a\":1}", contentType);
        yield return new HostileCase("body=header-only", url, "a,b,c\n", contentType);
    }

    private static IEnumerable<string> RepeatableHeaders(bool hasBody)
    {
        yield return "Authorization";
        yield return "X-Tenant-ID";
        // Two keys would read as one ("a,b"), retry-safe for neither: refused everywhere, like the other single headers.
        yield return "Idempotency-Key";
        if (hasBody)
        {
            yield return "Content-Type";
        }
    }

    private static (string Kind, string Json)[] ValuesFor(JsonNode? value) => value switch
    {
        JsonObject => ObjectValues,
        JsonArray => ArrayValues,
        JsonValue scalar when scalar.TryGetValue<string>(out _) => StringValues,
        JsonValue scalar when scalar.TryGetValue<bool>(out _) => [("string", "\"true\""), ("number", "1"), ("object", "{}")],
        JsonValue => NumberValues,
        _ => [],
    };

    /// <summary>The sample with <paramref name="field"/> set to raw JSON (which may be invalid on purpose).</summary>
    private static string With(JsonObject sample, string field, string json)
    {
        var parts = sample.Where(pair => pair.Key != field).Select(pair => $"{Quote(pair.Key)}:{pair.Value?.ToJsonString() ?? "null"}").ToList();
        parts.Add($"{Quote(field)}:{json}");
        return "{" + string.Join(',', parts) + "}";
    }

    private static string Quote(string name) => System.Text.Json.JsonSerializer.Serialize(name);

    private static (string Path, string Query) Split(string url)
    {
        var question = url.IndexOf('?', StringComparison.Ordinal);
        return question < 0 ? (url, string.Empty) : (url[..question], url[question..]);
    }

    [GeneratedRegex("^{(?<name>[A-Za-z0-9_]+)}$")]
    private static partial Regex RouteParameter();

    /// <summary>Builds the request of <paramref name="hostile"/>, with <paramref name="token"/> when given.</summary>
    public static HttpRequestMessage Request(string method, HostileCase hostile, string? token)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), hostile.Url);
        if (hostile.Body is not null)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(hostile.Body));
            request.Content.Headers.TryAddWithoutValidation("Content-Type", hostile.ContentType ?? "application/json");
            if (hostile.RepeatedHeader == "Content-Type")
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", "text/plain");
            }
        }

        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
            if (hostile.RepeatedHeader == "Authorization")
            {
                request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
            }
        }
        else if (hostile.RepeatedHeader == "Authorization")
        {
            request.Headers.TryAddWithoutValidation("Authorization", ["Bearer a", "Bearer b"]);
        }

        if (hostile.RepeatedHeader == "X-Tenant-ID")
        {
            request.Headers.TryAddWithoutValidation("X-Tenant-ID", ["fiber-x", "suzume"]);
        }

        if (hostile.RepeatedHeader == "Idempotency-Key")
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", ["key-a", "key-b"]);
        }

        return request;
    }
}
