using System.Net;
using System.Text;
using MultiStore.Api.Auth;
using MultiStore.Api.Tests.Tenancy;

namespace MultiStore.Api.Tests.Validation;

/// <summary>
/// Hostile and clumsy input on every endpoint that takes input: each answer is a 4xx problem+json (never a 500) and
/// nothing changes. Route values are attacked on every endpoint from the catalog; bodies from the table below.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class BadInputTests(ApiFactory api)
{
    /// <summary>Bad values per route parameter name (already escaped for a URL).</summary>
    private static readonly Dictionary<string, string[]> BadRouteValues = new()
    {
        ["sku"] = [new string('A', 200), "..%2F..", "a%2Fb", "%C3%A4%C3%B6", "-leading-dash", "a%40b", "a%20b"],
        ["zone"] = ["MAIN", new string('z', 40), "..%2F..", "%C3%A4", "a%40b"],
        ["cartId"] = ["not-a-uuid", "..%2F..", new string('x', 200), "%C3%A4", "3f2504e0-4f89-11d3-9a0c-0305e82c330g", "3f2504e04f8911d39a0c0305e82c3301"],
        ["orderId"] = ["not-a-uuid", "..%2F..", new string('x', 200), "%C3%A4", "{3f2504e0-4f89-11d3-9a0c-0305e82c3301}"],
        ["id"] = ["X", "..%2F..", new string('a', 60), "%C3%A4", "a_b"],
        ["handle"] = ["UPPER", "..%2F..", new string('h', 65), "%C3%A4", "a_b", "-lead", "a%40b"],
        ["page"] = ["0", "-1", "abc", "1.5", "99999999999", "%C3%A4", "..%2F..", "1%20", "1%0A", "01"],
    };

    /// <summary>Bad bodies per endpoint; an endpoint with route values only is still listed (bodies it must not choke on).</summary>
    private static readonly Dictionary<string, string[]> BadBodies = new()
    {
        ["GET /api/stock/{sku}"] = [],
        ["PUT /api/carts/{cartId}/items/{sku}"] =
        [
            """{"quantity":-1}""", """{"quantity":1000001}""", """{"quantity":99999999999}""", """{"quantity":1e30}""",
            """{"quantity":"two"}""", """{"quantity":"2"}""", """{"quantity":1.5}""", """{"quantity":null}""", """{}""", "",
            """{"quantity":""", "[1]", "\"text\"", """{"quantity":1,"zone":"BAD ZONE"}""", """{"quantity":1,"zone":"main/../x"}""",
            $$"""{"quantity":1,"zone":"{{new string('z', 40)}}"}""", """{"quantity":1,"zone":5}""",
        ],
        ["DELETE /api/carts/{cartId}/items/{sku}"] = ["{"],
        ["GET /api/carts/{cartId}"] = [],
        ["POST /api/carts/{cartId}/checkout"] = ["{", "[1,2"],
        ["GET /api/orders/{orderId}"] = [],
        ["POST /api/orders/{orderId}/cancel"] = ["{"],
        ["GET /admin/stock/{sku}"] = [],
        ["PUT /admin/stock/{sku}/{zone}"] =
        [
            """{"onHand":-1}""", """{"onHand":1000000001}""", """{"onHand":99999999999}""", """{"onHand":"x"}""", """{}""", "",
            """{"onHand":""", """{"onHand":5,"safetyStock":-1}""", """{"onHand":5,"safetyStock":1000000001}""", """{"onHand":null}""",
        ],
        ["POST /admin/stock/{sku}/{zone}/adjustments"] =
        [
            """{"delta":0,"reason":"x"}""", """{"delta":1000001,"reason":"x"}""", """{"delta":-1000001,"reason":"x"}""",
            """{"delta":"x","reason":"x"}""", """{"delta":5}""", """{"delta":5,"reason":""}""", """{"delta":5,"reason":"   "}""",
            $$"""{"delta":5,"reason":"{{new string('r', 201)}}"}""", """{}""", "", """{"delta":""", """{"delta":5,"reason":7}""",
            """{"delta":-100000,"reason":"more than on hand"}""", """{"delta":5,"reason":"x","kind":"theft"}""", """{"delta":5,"reason":"x","kind":5}""",
        ],
        ["GET /admin/stock/{sku}/{zone}/ledger"] = [],
        ["GET /sitemaps/{page}.xml"] = [],
        // An empty object is valid here: it clears the threshold.
        ["PUT /admin/stock/{sku}/{zone}/reorder-point"] =
        [
            """{"reorderPoint":-1}""", """{"reorderPoint":1000000001}""", """{"reorderPoint":"x"}""", """{"reorderPoint":1.5}""",
            """{"reorderPoint":99999999999}""", "", "{", "[]",
        ],
        ["PUT /admin/webhooks"] =
        [
            """{}""", """{"url":""}""", """{"url":"not a url"}""", """{"url":"ftp://hooks.example.test/x"}""", """{"url":"/relative/path"}""",
            """{"url":"https://user:pw@hooks.example.test/x"}""", """{"url":"https://hooks.example.test/x#frag"}""", """{"url":5}""",
            $$"""{"url":"https://hooks.example.test/{{new string('p', 2001)}}"}""", "", "{", "[]",
            // A host Uri parses but cannot write in ASCII (U+2488).
            """{"url":"https://\u2488.example.test/x"}""",
            // 1,025 characters as sent, 6,025 as stored and called once escaped.
            $$"""{"url":"https://hooks.example.test/{{new string('\u00e9', 1000)}}"}""",
        ],
        ["GET /admin/carts/{cartId}"] = [],
        ["GET /admin/orders/{orderId}"] = [],
        ["POST /admin/orders/{orderId}/pay"] =
        [
            $$"""{"paymentReference":"{{new string('p', 201)}}"}""", """{"paymentReference":5}""", "{", "[]", "",
        ],
        ["POST /platform/tenants"] =
        [
            """{"id":"X","name":"n","domains":["bad-1.test"]}""", """{"id":"../..","name":"n","domains":["bad-2.test"]}""",
            """{"id":"bad-3","name":"","domains":["bad-3.test"]}""", $$"""{"id":"bad-4","name":"{{new string('n', 101)}}","domains":["bad-4.test"]}""",
            """{"id":"bad-5","name":"n","domains":[]}""", """{"id":"bad-6","name":"n"}""",
            $$"""{"id":"bad-7","name":"n","domains":[{{string.Join(',', Enumerable.Range(0, 21).Select(i => $"\"d{i}.bad-7.test\""))}}]}""",
            """{"id":"bad-8","name":"n","domains":["https://bad-8.test"]}""", """{"id":"bad-9","name":"n","domains":["bad-9.test:8080"]}""",
            """{"id":"bad-10","name":"n","domains":["bad 10.test"]}""", """{"id":"bad-11","name":"n","domains":["127.0.0.1"]}""",
            """{"id":"bad-12","name":"n","domains":["bad-12.test"],"theme":[]}""", """{"id":"bad-13","name":"n","domains":["bad-13.test"],"theme":"dark"}""",
            """{"id":"bad-14","name":"n","domains":["bad-14.test"],"theme":5}""", """{"id":"bad-15","name":"n","domains":["bad-15.test","BAD-15.test"]}""",
            """{"id":5,"name":"n","domains":["bad-16.test"]}""", """{"id":"bad-17","name":"n","domains":"bad-17.test"}""", "", "{",
            """{"id":"bad-18","name":"n","domains":["bäd-18.test"]}""",
        ],
        ["GET /api/products"] = [],
        ["GET /api/products/{handle}"] = [],
        ["POST /admin/products"] =
        [
            """{"name":"n","category":"c"}""", """{"name":"n","category":"c","price":-1}""", """{"name":"n","category":"c","price":1.234}""",
            """{"name":"n","category":"c","price":1,"description":"a\u0000b"}""", """{"name":"n","category":"c","price":1,"description":"bell\u0007"}""",
            """{"name":"n","category":"c","price":1,"variants":[null]}""", """{"name":"n","category":"c","price":1,"variants":[{"attributes":{"size":"M"}},null]}""",
            """{"name":"n","category":"c","price":1000001}""", """{"name":"n","category":"c","price":"1"}""", """{"name":"","category":"c","price":1}""",
            """{"handle":"Bad Handle","name":"n","category":"c","price":1}""", """{"name":"n","price":1}""", """{"name":"!!!","category":"c","price":1}""",
            $$"""{"name":"{{new string('n', 201)}}","category":"c","price":1}""", """{"name":"n","category":"c","price":1,"variants":[{"attributes":{"Bad Name":"x"}}]}""",
            """{"name":"n","category":"c","price":1,"variants":[{"attributes":{"a":"b","c":"d","e":"f","g":"h","i":"j","k":"l"}}]}""",
            """{"name":"n","category":"c","price":1,"variants":[{"attributes":{"color":""}}]}""", """{"name":"n","category":"c","price":1,"variants":[{}]}""",
            "", "{", "[]",
        ],
        ["GET /admin/products/{handle}"] = [],
        ["PUT /admin/products/{handle}"] =
        [
            """{"price":-5}""", """{"price":0.001}""", """{"name":""}""", """{"status":"deleted"}""", """{"category":"   "}""", "{", "[]", "",
            """{"description":"a\u0000b"}""",
        ],
        ["POST /admin/products/{handle}/archive"] = ["{"],
        ["POST /admin/products/{handle}/variants"] =
        [
            """{}""", """{"attributes":{"Bad Name":"x"}}""", """{"attributes":{"size":""}}""", """{"attributes":"XL"}""", "{", "",
        ],
        ["GET /admin/zones"] = [],
        // JSON is not CSV: every body here is refused as the wrong media type (the CSV checks are in CatalogImportTests).
        ["POST /admin/catalog/import"] = ["""{"rows":[]}""", "{", "", "[]"],
        ["PUT /admin/storefront/theme"] = ["""{}""", """{"theme":[]}""", """{"theme":"dark"}""", """{"theme":5}""", """{"theme":null}""", "{", ""],
        ["PUT /admin/zones/{zone}"] = ["""{}""", """{"name":""}""", $$"""{"name":"{{new string('z', 61)}}"}""", """{"name":5}""", "{", ""],
        ["POST /platform/tenants/{id}/suspend"] = ["{"],
        ["POST /platform/tenants/{id}/resume"] = ["{"],
    };

    public static IEnumerable<object[]> Endpoints => BadBodies.Keys.Select(key => new object[] { key });

    [Fact]
    public void Table_CoversEveryEndpointThatTakesInput()
    {
        var takesInput = EndpointCatalog.All
            .Where(endpoint => endpoint.Access is Access.Storefront or Access.StoreAdmin or Access.Platform)
            .Where(endpoint => endpoint.Route.Contains('{') || endpoint.Method is "POST" or "PUT")
            .Select(endpoint => endpoint.Key);

        Assert.Empty(takesInput.Except(BadBodies.Keys));
        Assert.Empty(BadBodies.Keys.Except(EndpointCatalog.All.Select(endpoint => endpoint.Key)));
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Endpoint_WithBadRouteValuesOrBodies_Returns4xxProblemAndChangesNothing(string key)
    {
        var endpoint = EndpointCatalog.Get(key);
        var store = await IsolatedStore.PrepareAsync(api, "bad-input");
        var token = endpoint.Access == Access.Platform ? api.PlatformToken() : api.StoreToken(store.Ids.TenantId, StoreRoles.Owner);
        using var client = api.ClientFor(store.Host, token);
        var validBody = await ValidBodyAsync(endpoint, store.Ids);
        var before = await StateAsync(store);

        foreach (var url in BadUrls(endpoint, store.Ids))
        {
            await ExpectRefusedAsync(client, endpoint.Method, url, validBody, $"{key} with url {url}");
        }

        foreach (var body in BadBodies[key])
        {
            await ExpectRefusedAsync(client, endpoint.Method, Url(endpoint.Route, store.Ids, null, null), body, $"{key} with body {Shorten(body)}");
        }

        if (validBody is not null && !endpoint.OwnBodyLimit)
        {
            // A body that is not JSON at all, and one far over the size limit.
            using var text = new HttpRequestMessage(new HttpMethod(endpoint.Method), Url(endpoint.Route, store.Ids, null, null))
            {
                Content = new StringContent("quantity=1", Encoding.UTF8, "text/plain"),
            };
            await (await client.SendAsync(text)).ExpectProblemAsync(HttpStatusCode.UnsupportedMediaType);

            var huge = $$"""{"pad":"{{new string('x', 70 * 1024)}}"}""";
            using var large = new HttpRequestMessage(new HttpMethod(endpoint.Method), Url(endpoint.Route, store.Ids, null, null)) { Content = Http.Json(huge) };
            await (await client.SendAsync(large)).ExpectProblemAsync(HttpStatusCode.RequestEntityTooLarge, "request-too-large");
        }

        Assert.Equal(before, await StateAsync(store));
    }

    [Fact]
    public async Task QueryParameter_GivenTwice_Is400NamingIt_WhereItsCopiesWereJoinedIntoOneFilter()
    {
        var store = await IsolatedStore.PrepareAsync(api, "twice");
        var shopper = store.Driver.Shopper;
        await shopper.GetAsync("/api/products?category=caps").ExpectAsync(HttpStatusCode.OK);

        var filter = await shopper.GetAsync("/api/products?category=caps&category=tees").ExpectProblemAsync(HttpStatusCode.BadRequest, "duplicate-query-parameter");
        var same = await store.Driver.Owner.GetAsync("/admin/alerts?take=10&take=10").ExpectProblemAsync(HttpStatusCode.BadRequest, "duplicate-query-parameter");

        Assert.Contains("'category'", filter.Value<string>("detail"));
        Assert.Contains("'take'", same.Value<string>("detail"));
    }

    [Fact]
    public async Task UnknownButWellFormedIds_Return404Problems()
    {
        var store = await IsolatedStore.PrepareAsync(api, "bad-ids");
        var owner = store.Driver.Owner;
        var unknownSku = store.Driver.NewSku("NEVER");
        var unknownId = Guid.NewGuid().ToString("D");

        await owner.GetAsync($"/api/stock/{unknownSku}").ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
        await owner.PutJsonAsync($"/api/carts/{unknownId}/items/{unknownSku}", new { quantity = 1 }).ExpectProblemAsync(HttpStatusCode.NotFound);
        await owner.GetAsync($"/api/carts/{unknownId}").ExpectProblemAsync(HttpStatusCode.NotFound);
        await owner.GetAsync($"/api/orders/{unknownId}").ExpectProblemAsync(HttpStatusCode.NotFound);
        await owner.PostAsync($"/api/orders/{unknownId}/cancel", null).ExpectProblemAsync(HttpStatusCode.NotFound);
        await owner.GetAsync($"/admin/stock/{unknownSku}").ExpectProblemAsync(HttpStatusCode.NotFound);
        await owner.PostJsonAsync($"/admin/stock/{unknownSku}/main/adjustments", new { delta = 1, reason = "x" }).ExpectProblemAsync(HttpStatusCode.NotFound);
        await owner.PostJsonAsync($"/admin/orders/{unknownId}/pay", new { }).ExpectProblemAsync(HttpStatusCode.NotFound);
        using var platform = api.ClientFor("platform.test", api.PlatformToken());
        await platform.PostAsync("/platform/tenants/no-such-store/suspend", null).ExpectProblemAsync(HttpStatusCode.NotFound, "not-found");
    }

    private static async Task ExpectRefusedAsync(HttpClient client, string method, string url, string? body, string because)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = body is null ? null : Http.Json(body) };
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        Assert.True(status is >= 400 and < 500, $"{because}: expected 4xx, got {status} {text}");
        Assert.True(response.Content.Headers.ContentType?.MediaType == Http.ProblemContentType, $"{because}: not problem+json: {text}");
    }

    private static IEnumerable<string> BadUrls(EndpointCase endpoint, StoreIds ids)
    {
        foreach (var parameter in RouteParameters(endpoint.Route))
        {
            foreach (var bad in BadRouteValues[parameter])
            {
                yield return Url(endpoint.Route, ids, parameter, bad);
            }
        }
    }

    private static IEnumerable<string> RouteParameters(string route) =>
        System.Text.RegularExpressions.Regex.Matches(route, "{(?<name>[A-Za-z]+)}").Select(match => match.Groups["name"].Value);

    private static string Url(string route, StoreIds ids, string? badParameter, string? badValue)
    {
        var url = route;
        foreach (var parameter in RouteParameters(route))
        {
            var value = parameter == badParameter ? badValue! : parameter switch
            {
                "sku" => ids.Sku,
                "zone" => ids.Zone,
                "cartId" => ids.CartId,
                "orderId" => ids.PayOrderId,
                "id" => ids.TenantId,
                "handle" => ids.Handle,
                "page" => "1",
                _ => throw new InvalidOperationException($"No sample value for route parameter '{parameter}'."),
            };
            url = url.Replace($"{{{parameter}}}", value, StringComparison.Ordinal);
        }

        return url;
    }

    private static async Task<string?> ValidBodyAsync(EndpointCase endpoint, StoreIds ids)
    {
        using var sample = endpoint.Sample!(ids);
        return sample.Content is null ? null : await sample.Content.ReadAsStringAsync();
    }

    private async Task<string> StateAsync(IsolatedStore store)
    {
        using var platform = api.ClientFor("platform.test", api.PlatformToken());
        var tenants = await PlatformListing.AllAsync(platform);
        return await store.SnapshotAsync() + string.Join(",", tenants.Select(tenant => tenant.ToJsonString()));
    }

    private static string Shorten(string body) => body.Length > 60 ? body[..60] + "…" : body;
}
