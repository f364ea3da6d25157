using System.Net;

namespace MultiStore.Api.Tests.Hosting;

/// <summary>The OpenAPI document describes the whole HTTP contract.</summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiDocumentTests(ApiFactory api)
{
    private static readonly string[] Contract =
    [
        "POST /platform/tenants", "GET /platform/tenants", "POST /platform/tenants/{id}/suspend", "POST /platform/tenants/{id}/resume",
        "PUT /admin/stock/{sku}/{zone}", "POST /admin/stock/{sku}/{zone}/adjustments", "GET /admin/stock/{sku}",
        "POST /admin/orders/{orderId}/pay", "GET /admin/orders/{orderId}", "GET /admin/carts/{cartId}",
        "GET /api/stock/{sku}", "PUT /api/carts/{cartId}/items/{sku}", "DELETE /api/carts/{cartId}/items/{sku}",
        "GET /api/carts/{cartId}", "POST /api/carts/{cartId}/checkout", "GET /api/orders/{orderId}", "POST /api/orders/{orderId}/cancel",
        // Issue 6: catalog and zones.
        "GET /api/products", "GET /api/products/{handle}",
        "POST /admin/products", "GET /admin/products/{handle}", "PUT /admin/products/{handle}", "POST /admin/products/{handle}/archive",
        "POST /admin/products/{handle}/variants", "GET /admin/zones", "PUT /admin/zones/{zone}",
        // Issue 6: storefront settings.
        "GET /api/storefront", "GET /robots.txt", "GET /sitemap.xml", "GET /sitemaps/{page}.xml", "PUT /admin/storefront/theme",
        // Issue 6: bulk import and export.
        "POST /admin/catalog/import", "GET /admin/catalog/export",
        // Issue 6: stock ledger.
        "GET /admin/stock/{sku}/{zone}/ledger",
        // Issue 5: the owner's cross-store view.
        "GET /admin/stores", "GET /admin/stores/stock/{sku}",
        // Issue 5: audit trails.
        "GET /admin/audit", "GET /platform/audit",
        // Issue 6: analytics per store, across an owner's stores, across the platform.
        "GET /admin/analytics", "GET /admin/stores/analytics", "GET /platform/analytics",
        // Issue 6: low-stock thresholds, alerts and the signed webhook.
        "PUT /admin/stock/{sku}/{zone}/reorder-point", "GET /admin/alerts", "PUT /admin/webhooks", "GET /admin/webhooks", "DELETE /admin/webhooks",
    ];

    [Fact]
    public async Task Document_ListsEveryRouteOfTheContract()
    {
        var document = await api.ClientFor("anything.test").GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);
        var operations = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject().Select(operation => $"{operation.Key.ToUpperInvariant()} {path.Key}"))
            .ToList();

        Assert.Empty(Contract.Except(operations));
        Assert.Empty(operations.Except(Contract));
    }

    [Fact]
    public void Contract_MatchesTheBusinessEndpointsOfTheRunningApp()
    {
        var business = EndpointCatalog.All
            .Where(endpoint => endpoint.Access is Access.Storefront or Access.StoreAdmin or Access.StoreOwner or Access.Platform)
            .Select(endpoint => endpoint.Key);

        Assert.Equal(Contract.Order(StringComparer.Ordinal), business.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Document_RouteValuesArePathParameters_NotBodyFields()
    {
        var document = await api.ClientFor("anything.test").GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);
        var setItem = document["paths"]!["/api/carts/{cartId}/items/{sku}"]!["put"]!;
        var parameters = setItem["parameters"]!.AsArray().Select(parameter => $"{parameter!["in"]}:{parameter["name"]}");
        var schemaRef = setItem["requestBody"]!["content"]!["application/json"]!["schema"]!.Value<string>("$ref");
        var schema = document["components"]!["schemas"]![schemaRef.Split('/')[^1]]!;

        Assert.Equal(["path:cartId", "path:sku"], parameters);
        Assert.Equal(["quantity", "zone"], schema["properties"]!.AsObject().Select(property => property.Key).Order());
        Assert.Null(document["paths"]!["/api/carts/{cartId}"]!["get"]!["requestBody"]);
        Assert.NotNull(document["components"]!["securitySchemes"]!["Bearer"]);
    }

    [Fact]
    public async Task Document_AdjustmentsTakeAnOptionalIdempotencyKeyHeader_NotABodyField()
    {
        var document = await api.ClientFor("anything.test").GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);
        var adjust = document["paths"]!["/admin/stock/{sku}/{zone}/adjustments"]!["post"]!;
        // Besides the store switch every admin route takes (X-Tenant-ID).
        var header = Assert.Single(adjust["parameters"]!.AsArray(), parameter => parameter!.Value<string>("in") == "header" && parameter!.Value<string>("name") != "X-Tenant-ID")!;
        var schemaRef = adjust["requestBody"]!["content"]!["application/json"]!["schema"]!.Value<string>("$ref");
        var schema = document["components"]!["schemas"]![schemaRef.Split('/')[^1]]!;

        Assert.Equal("Idempotency-Key", header.Value<string>("name"));
        Assert.False(header["required"]?.GetValue<bool>() ?? false);
        Assert.Contains("retry", header.Value<string>("description"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(["delta", "kind", "reason"], schema["properties"]!.AsObject().Select(property => property.Key).Order());
        Assert.NotNull(adjust["responses"]!["422"]);
    }

    [Theory]
    [InlineData("/api/products", "after,category,page,pageSize")]
    [InlineData("/api/products/{handle}", "zone")]
    [InlineData("/admin/stock/{sku}/{zone}/ledger", "before,take")]
    [InlineData("/admin/alerts", "before,take")]
    [InlineData("/admin/audit", "before,take")]
    [InlineData("/platform/audit", "before,take,tenant")]
    [InlineData("/platform/tenants", "after,limit")]
    [InlineData("/admin/analytics", "from,to,top")]
    [InlineData("/admin/stores/analytics", "from,to")]
    [InlineData("/platform/analytics", "from,to,top")]
    [InlineData("/api/carts/{cartId}", "")]
    public async Task Document_ReadsNameTheirQueryParameters_Optional(string route, string names)
    {
        var document = await api.ClientFor("anything.test").GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);
        var query = (document["paths"]![route]!["get"]!["parameters"]?.AsArray() ?? [])
            .Where(parameter => parameter!.Value<string>("in") == "query")
            .ToList();

        Assert.Equal(names.Split(',', StringSplitOptions.RemoveEmptyEntries), query.Select(parameter => parameter!.Value<string>("name")).Order(StringComparer.Ordinal));
        Assert.All(query, parameter => Assert.False(parameter!["required"]?.GetValue<bool>() ?? false));
        if (route == "/admin/analytics")
        {
            Assert.Equal("date", query.Single(parameter => parameter!.Value<string>("name") == "from")!["schema"]!.Value<string>("format"));
            Assert.Equal("integer", query.Single(parameter => parameter!.Value<string>("name") == "top")!["schema"]!.Value<string>("type"));
        }
    }

    [Theory]
    [InlineData("Catalog_CreateProduct_Request", "price")]
    [InlineData("Catalog_UpdateProduct_Request", "price")]
    [InlineData("Catalog_ProductResponse", "price")]
    [InlineData("Catalog_ListProducts_ProductSummary", "price")]
    [InlineData("Orders_OrderResponse", "total")]
    [InlineData("Orders_OrderLineResponse", "unitPrice")]
    [InlineData("Analytics_FiguresResponse", "revenue")]
    public async Task Document_MoneyIsADecimal_NotADouble(string schema, string property)
    {
        var document = await api.ClientFor("anything.test").GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);

        // A client generated from "number" alone (a double) would hold 19.99 as 19.989999…
        Assert.Equal("decimal", document["components"]!["schemas"]![schema]!["properties"]![property]!.Value<string>("format"));
    }

    [Fact]
    public async Task Document_ImportNamesItsOptionalBooleanDryRunQueryParameter()
    {
        var document = await api.ClientFor("anything.test").GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);
        var import = document["paths"]!["/admin/catalog/import"]!["post"]!;
        var dryRun = Assert.Single(import["parameters"]!.AsArray(), parameter => parameter!.Value<string>("in") == "query")!;

        Assert.Equal("dryRun", dryRun.Value<string>("name"));
        Assert.False(dryRun["required"]?.GetValue<bool>() ?? false);
        Assert.Equal("boolean", dryRun["schema"]!.Value<string>("type"));
        Assert.Contains("nothing", dryRun.Value<string>("description"), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The API writes every field of an answer, null ones too (no ignore condition), so a success schema lists each
    /// field as required, and a null one is typed as nullable: a generated client never treats a field as maybe-absent.
    /// </summary>
    [Fact]
    public async Task Document_SuccessSchemas_RequireEveryFieldTheyList()
    {
        var document = await api.ClientFor("anything.test").GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);
        var schemas = document["components"]!["schemas"]!.AsObject();
        var answered = document["paths"]!.AsObject()
            .SelectMany(path => path.Value!.AsObject())
            .SelectMany(operation => operation.Value!["responses"]!.AsObject().Where(response => response.Key.StartsWith('2')))
            .SelectMany(response => response.Value!["content"]?.AsObject().Select(content => content.Value!["schema"]!.ToJsonString()) ?? [])
            .SelectMany(schema => System.Text.RegularExpressions.Regex.Matches(schema, "#/components/schemas/([A-Za-z0-9_]+)").Select(match => match.Groups[1].Value))
            .ToHashSet(StringComparer.Ordinal);
        var reached = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<string>(answered);
        while (pending.TryDequeue(out var name))
        {
            if (reached.Add(name))
            {
                foreach (System.Text.RegularExpressions.Match match in System.Text.RegularExpressions.Regex.Matches(schemas[name]!.ToJsonString(), "#/components/schemas/([A-Za-z0-9_]+)"))
                {
                    pending.Enqueue(match.Groups[1].Value);
                }
            }
        }

        var optional = reached
            .SelectMany(name => (schemas[name]!["properties"]?.AsObject().Select(property => property.Key) ?? [])
                .Except((schemas[name]!["required"]?.AsArray() ?? []).Select(field => field!.GetValue<string>()))
                .Select(field => $"{name}.{field}"));

        Assert.Contains("Catalog_ListProducts_Response", reached);
        Assert.Empty(optional);
    }
}
