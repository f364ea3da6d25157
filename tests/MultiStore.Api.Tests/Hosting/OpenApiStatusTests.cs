using System.Net;
using System.Text.Json.Nodes;

namespace MultiStore.Api.Tests.Hosting;

/// <summary>
/// Every status a route answers is in the OpenAPI document, so a client generated from it handles each one. The
/// statuses per route are the ones the suites observe (or that a request provokes cheaply): bad input, no or a wrong
/// token, an unknown or suspended store's host, a body too large or of another type, a limit met, the cluster unavailable.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiStatusTests(ApiFactory api)
{
    // Answered by every route of the contract: a repeated query parameter or header (400), a limit met (429), the
    // cluster briefly unavailable (503).
    private static readonly string[] Everywhere = ["400", "429", "503"];

    // A store's routes, found by Host: an unknown host (404), a suspended store (403) but on the routes it still serves.
    private static readonly string[] StoreScoped = ["404"];

    private static readonly string[] Suspendable = ["403"];

    private static readonly string[] Secured = ["401", "403"];

    // A JSON body: too large (413), in a charset nobody knows (415).
    private static readonly string[] JsonBody = ["413", "415"];

    /// <summary>The route's own statuses beyond the ones above, as its tests observe them.</summary>
    private static readonly Dictionary<string, string[]> Own = new(StringComparer.Ordinal)
    {
        ["GET /api/stock/{sku}"] = ["200", "404"],
        ["PUT /api/carts/{cartId}/items/{sku}"] = ["200", "404", "409"],
        ["DELETE /api/carts/{cartId}/items/{sku}"] = ["200", "404", "409"],
        ["GET /api/carts/{cartId}"] = ["200", "404"],
        ["POST /api/carts/{cartId}/checkout"] = ["200", "201", "404", "409"],
        ["GET /api/orders/{orderId}"] = ["200", "404"],
        ["POST /api/orders/{orderId}/cancel"] = ["200", "404", "409"],
        ["GET /api/products"] = ["200"],
        ["GET /api/products/{handle}"] = ["200", "404"],
        ["GET /api/storefront"] = ["200"],
        ["GET /robots.txt"] = ["200"],
        ["GET /sitemap.xml"] = ["200"],
        ["GET /sitemaps/{page}.xml"] = ["200", "404"],
        ["PUT /admin/storefront/theme"] = ["200", "422"],
        ["POST /admin/products"] = ["201", "409", "422"],
        ["GET /admin/products/{handle}"] = ["200", "404"],
        ["PUT /admin/products/{handle}"] = ["200", "404", "422"],
        ["POST /admin/products/{handle}/archive"] = ["200", "404"],
        ["POST /admin/products/{handle}/variants"] = ["200", "404", "422"],
        ["POST /admin/catalog/import"] = ["200", "413", "415", "422"],
        ["GET /admin/catalog/export"] = ["200"],
        ["GET /admin/zones"] = ["200"],
        ["PUT /admin/zones/{zone}"] = ["200"],
        ["GET /admin/stock/{sku}"] = ["200", "404"],
        ["PUT /admin/stock/{sku}/{zone}"] = ["200", "409", "422"],
        ["POST /admin/stock/{sku}/{zone}/adjustments"] = ["200", "404", "409", "422"],
        ["GET /admin/stock/{sku}/{zone}/ledger"] = ["200", "404"],
        ["PUT /admin/stock/{sku}/{zone}/reorder-point"] = ["200", "404"],
        ["GET /admin/alerts"] = ["200"],
        ["PUT /admin/webhooks"] = ["200", "422"],
        ["GET /admin/webhooks"] = ["200"],
        ["DELETE /admin/webhooks"] = ["204"],
        ["GET /admin/carts/{cartId}"] = ["200", "404"],
        ["GET /admin/orders/{orderId}"] = ["200", "404"],
        ["POST /admin/orders/{orderId}/pay"] = ["200", "404", "409"],
        ["GET /admin/analytics"] = ["200"],
        ["GET /admin/audit"] = ["200"],
        ["GET /platform/audit"] = ["200", "404"],
        ["GET /admin/stores"] = ["200"],
        ["GET /admin/stores/stock/{sku}"] = ["200"],
        ["GET /admin/stores/analytics"] = ["200"],
        ["POST /platform/tenants"] = ["201", "409"],
        ["GET /platform/tenants"] = ["200"],
        ["POST /platform/tenants/{id}/suspend"] = ["200", "404"],
        ["POST /platform/tenants/{id}/resume"] = ["200", "404"],
        ["GET /platform/analytics"] = ["200"],
    };

    public static IEnumerable<object[]> Routes() =>
        EndpointCatalog.Keys(Access.Storefront, Access.StoreAdmin, Access.StoreOwner, Access.Platform);

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Document_ListsEveryStatusTheRouteAnswers(string key)
    {
        var endpoint = EndpointCatalog.Get(key);
        var operation = await OperationAsync(endpoint);
        var scoped = endpoint.Access is Access.Storefront or Access.StoreAdmin;
        var secured = endpoint.Access is not Access.Storefront;
        var jsonBody = endpoint.Method is "PUT" or "POST" && operation["requestBody"]?["content"]?["application/json"] is not null;
        var expected = Own[key]
            .Concat(Everywhere)
            .Concat(scoped ? StoreScoped : [])
            .Concat(scoped && !endpoint.ServesSuspendedStore ? Suspendable : [])
            .Concat(secured ? Secured : [])
            .Concat(jsonBody ? JsonBody : [])
            .Distinct()
            .Order(StringComparer.Ordinal);
        var documented = operation["responses"]!.AsObject().Select(response => response.Key).ToHashSet(StringComparer.Ordinal);

        var missing = expected.Except(documented).ToList();
        // Nothing the route never answers: a generated client would wait for a 200 a creation never sends.
        var neverAnswered = documented.Where(status => status.StartsWith('2')).Except(Own[key]).ToList();

        Assert.Empty(missing);
        Assert.Empty(neverAnswered);
        // A shopper's order routes answer a suspended store too, and need no token: nothing answers them a 403.
        Assert.Equal((scoped && !endpoint.ServesSuspendedStore) || secured, documented.Contains("403"));
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Document_ProblemsAreProblemJson_AndRefusalsToWaitNameRetryAfter(string key)
    {
        var operation = await OperationAsync(EndpointCatalog.Get(key));

        foreach (var (status, response) in operation["responses"]!.AsObject().Where(response => response.Key[0] is '4' or '5'))
        {
            Assert.True(response!["content"]?["application/problem+json"] is not null, $"{key} {status} names no problem+json body");
        }

        foreach (var status in new[] { "429", "503" })
        {
            Assert.NotNull(operation["responses"]![status]?["headers"]?["Retry-After"]);
        }
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Document_NamesTheStoreSwitchHeader_OnlyOnAdminRoutes_AndBearerOnlyWhereATokenIsNeeded(string key)
    {
        var endpoint = EndpointCatalog.Get(key);
        var operation = await OperationAsync(endpoint);
        var storeSwitch = operation["parameters"]?.AsArray()
            .SingleOrDefault(parameter => parameter!.Value<string>("in") == "header" && parameter!.Value<string>("name") == "X-Tenant-ID");

        Assert.Equal(endpoint.Access is Access.StoreAdmin, storeSwitch is not null);
        Assert.False(storeSwitch?["required"]?.GetValue<bool>() ?? false);
        Assert.Equal(endpoint.Access is not Access.Storefront, operation["security"] is JsonArray { Count: > 0 });
    }

    [Fact]
    public void Table_CoversEveryBusinessRoute() =>
        Assert.Equal(Routes().Select(route => (string)route[0]).Order(StringComparer.Ordinal), Own.Keys.Order(StringComparer.Ordinal));

    private async Task<JsonNode> OperationAsync(EndpointCase endpoint)
    {
        var document = await api.ClientFor("anything.test").GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);
        return document["paths"]![endpoint.Route]![endpoint.Method.ToLowerInvariant()]!;
    }
}
