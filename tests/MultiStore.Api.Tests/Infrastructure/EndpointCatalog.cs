using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MultiStore.Api.Tests.Infrastructure;

/// <summary>Who may call an endpoint, which decides what the isolation tests expect of it.</summary>
public enum Access
{
    /// <summary>Anonymous shoppers on the store's host.</summary>
    Storefront,

    /// <summary>A token with a role in the host's store that grants the endpoint's permission.</summary>
    StoreAdmin,

    /// <summary>The owner's cross-store view: a token's <c>owner</c> grants pick the stores, on any host.</summary>
    StoreOwner,

    /// <summary>A platform operator, on any host.</summary>
    Platform,

    /// <summary>Not business data: OpenAPI document, health probes.</summary>
    System,

    /// <summary>Mapped by a library but answered 404 for everyone.</summary>
    Hidden,
}

/// <summary>The ids of one store's entities that sample requests point at.</summary>
/// <param name="Handle">A product of the store's catalog.</param>
public sealed record StoreIds(string TenantId, string Sku, string Zone, string CartId, string PayOrderId, string CancelOrderId, string Handle);

/// <summary>One endpoint of the contract and a well-formed request to it for a given store's ids.</summary>
/// <param name="ForeignIdsCreateOwnEntity">
/// True when a request naming ids that exist only in another store legitimately creates the entity in this store
/// (stocking a SKU): the isolation test then expects success here and no change over there.
/// </param>
/// <param name="NamesNoEntity">
/// True when the request names no existing entity (a listing, a creation with a fresh id, the store's own settings):
/// "another store's ids" then means nothing, and the request succeeds on its own host with its own token.
/// </param>
/// <param name="OwnBodyLimit">True when the route accepts bodies above the API-wide limit (the CSV import).</param>
public sealed record EndpointCase(
    string Method,
    string Route,
    Access Access,
    Func<StoreIds, HttpRequestMessage>? Sample,
    bool ForeignIdsCreateOwnEntity = false,
    bool NamesNoEntity = false,
    bool OwnBodyLimit = false)
{
    public string Key => $"{Method} {Route}";

    /// <summary>
    /// What the generated hostile-input suite would wrongly call hostile here, because the endpoint legitimately
    /// accepts it (see <see cref="Accepting"/>): e.g. <c>negative:delta</c> (a negative adjustment), <c>text:reason</c>
    /// (free text takes any script), <c>empty-body</c> (every body field is optional). Everything else generated
    /// for the endpoint must answer 4xx problem+json and change nothing.
    /// </summary>
    public IReadOnlySet<string> Accepts { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// False for reads whose answer changes by being read (the audit trails) or may lag the store (the sitemap, kept a
    /// minute by <c>SitemapCache</c>, whose content the catalog's own reads show): left out of state snapshots.
    /// </summary>
    public bool InSnapshot { get; init; } = true;

    /// <summary>
    /// True for the routes that still answer while the platform has their store suspended: those that read or close an
    /// order already placed (the shopper's read and cancel, support's read, recording a payment already captured) and
    /// sell nothing; every other route answers 403 <c>store-suspended</c> there.
    /// </summary>
    public bool ServesSuspendedStore { get; init; }

    public bool Accepting(string kind, string? field = null) => Accepts.Contains(field is null ? kind : $"{kind}:{field}");

    public override string ToString() => Key;
}

/// <summary>
/// Every endpoint the API serves, with a sample request. Tests enumerate the running app's endpoints and fail on
/// any endpoint missing here, so a new endpoint cannot escape the isolation and bad-input checks.
/// </summary>
public static class EndpointCatalog
{
    public static IReadOnlyList<EndpointCase> All { get; } =
    [
        new("GET", "/api/stock/{sku}", Access.Storefront, ids => Request(HttpMethod.Get, $"/api/stock/{ids.Sku}")),
        new("PUT", "/api/carts/{cartId}/items/{sku}", Access.Storefront, ids => Request(HttpMethod.Put, $"/api/carts/{ids.CartId}/items/{ids.Sku}", new { quantity = 1 })),
        new("DELETE", "/api/carts/{cartId}/items/{sku}", Access.Storefront, ids => Request(HttpMethod.Delete, $"/api/carts/{ids.CartId}/items/{ids.Sku}")),
        new("GET", "/api/carts/{cartId}", Access.Storefront, ids => Request(HttpMethod.Get, $"/api/carts/{ids.CartId}")),
        new("POST", "/api/carts/{cartId}/checkout", Access.Storefront, ids => Request(HttpMethod.Post, $"/api/carts/{ids.CartId}/checkout")),
        new("GET", "/api/orders/{orderId}", Access.Storefront, ids => Request(HttpMethod.Get, $"/api/orders/{ids.CancelOrderId}")) { ServesSuspendedStore = true },
        new("POST", "/api/orders/{orderId}/cancel", Access.Storefront, ids => Request(HttpMethod.Post, $"/api/orders/{ids.CancelOrderId}/cancel")) { ServesSuspendedStore = true },

        new("GET", "/api/products", Access.Storefront, _ => Request(HttpMethod.Get, "/api/products?page=1&pageSize=5"), NamesNoEntity: true),
        new("GET", "/api/products/{handle}", Access.Storefront, ids => Request(HttpMethod.Get, $"/api/products/{ids.Handle}?zone=main")),

        new("GET", "/api/storefront", Access.Storefront, _ => Request(HttpMethod.Get, "/api/storefront"), NamesNoEntity: true),
        new("GET", "/robots.txt", Access.Storefront, _ => Request(HttpMethod.Get, "/robots.txt"), NamesNoEntity: true),
        new("GET", "/sitemap.xml", Access.Storefront, _ => Request(HttpMethod.Get, "/sitemap.xml"), NamesNoEntity: true) { InSnapshot = false },
        new("GET", "/sitemaps/{page}.xml", Access.Storefront, _ => Request(HttpMethod.Get, "/sitemaps/1.xml"), NamesNoEntity: true) { InSnapshot = false },
        new("PUT", "/admin/storefront/theme", Access.StoreAdmin, _ => Request(HttpMethod.Put, "/admin/storefront/theme", new { theme = new { accent = "#123456" } }), NamesNoEntity: true),

        new("POST", "/admin/products", Access.StoreAdmin, _ => Request(HttpMethod.Post, "/admin/products", new { handle = $"new-{Guid.NewGuid():N}", name = "New", category = "Misc", price = 9.5m }), NamesNoEntity: true) { Accepts = Kinds("non-ascii:name", "traversal:name", "non-ascii:category", "traversal:category") },
        new("GET", "/admin/products/{handle}", Access.StoreAdmin, ids => Request(HttpMethod.Get, $"/admin/products/{ids.Handle}")),
        new("PUT", "/admin/products/{handle}", Access.StoreAdmin, ids => Request(HttpMethod.Put, $"/admin/products/{ids.Handle}", new { price = 12.25m })) { Accepts = Kinds("empty-body") },
        new("POST", "/admin/products/{handle}/archive", Access.StoreAdmin, ids => Request(HttpMethod.Post, $"/admin/products/{ids.Handle}/archive")),
        new("POST", "/admin/products/{handle}/variants", Access.StoreAdmin, ids => Request(HttpMethod.Post, $"/admin/products/{ids.Handle}/variants", new { attributes = new { size = "XL" } })),
        new("POST", "/admin/catalog/import", Access.StoreAdmin, _ => Csv(HttpMethod.Post, "/admin/catalog/import", $"handle,name,category,price,attributes,on_hand\nimp-{Guid.NewGuid():N},Imported,Misc,3.50,color=Red,4\n"), NamesNoEntity: true, OwnBodyLimit: true),
        new("GET", "/admin/catalog/export", Access.StoreAdmin, _ => Request(HttpMethod.Get, "/admin/catalog/export"), NamesNoEntity: true),
        new("GET", "/admin/zones", Access.StoreAdmin, _ => Request(HttpMethod.Get, "/admin/zones"), NamesNoEntity: true),
        new("PUT", "/admin/zones/{zone}", Access.StoreAdmin, ids => Request(HttpMethod.Put, $"/admin/zones/{ids.Zone}", new { name = "Main" }), NamesNoEntity: true) { Accepts = Kinds("non-ascii:name", "traversal:name") },

        new("GET", "/admin/stock/{sku}", Access.StoreAdmin, ids => Request(HttpMethod.Get, $"/admin/stock/{ids.Sku}")),
        new("PUT", "/admin/stock/{sku}/{zone}", Access.StoreAdmin, ids => Request(HttpMethod.Put, $"/admin/stock/{ids.Sku}/{ids.Zone}", new { onHand = 40 }), ForeignIdsCreateOwnEntity: true),
        new("POST", "/admin/stock/{sku}/{zone}/adjustments", Access.StoreAdmin, ids => Request(HttpMethod.Post, $"/admin/stock/{ids.Sku}/{ids.Zone}/adjustments", new { delta = 5, reason = "delivery" })) { Accepts = Kinds("negative:delta", "non-ascii:reason", "traversal:reason") },
        new("GET", "/admin/stock/{sku}/{zone}/ledger", Access.StoreAdmin, ids => Request(HttpMethod.Get, $"/admin/stock/{ids.Sku}/{ids.Zone}/ledger?take=10")),
        new("PUT", "/admin/stock/{sku}/{zone}/reorder-point", Access.StoreAdmin, ids => Request(HttpMethod.Put, $"/admin/stock/{ids.Sku}/{ids.Zone}/reorder-point", new { reorderPoint = 2 })) { Accepts = Kinds("empty-body") },
        new("GET", "/admin/alerts", Access.StoreAdmin, _ => Request(HttpMethod.Get, "/admin/alerts?take=10"), NamesNoEntity: true),
        new("PUT", "/admin/webhooks", Access.StoreAdmin, _ => Request(HttpMethod.Put, "/admin/webhooks", new { url = "https://hooks.example.test/multistore" }), NamesNoEntity: true),
        new("GET", "/admin/webhooks", Access.StoreAdmin, _ => Request(HttpMethod.Get, "/admin/webhooks"), NamesNoEntity: true),
        new("DELETE", "/admin/webhooks", Access.StoreAdmin, _ => Request(HttpMethod.Delete, "/admin/webhooks"), NamesNoEntity: true),
        new("GET", "/admin/carts/{cartId}", Access.StoreAdmin, ids => Request(HttpMethod.Get, $"/admin/carts/{ids.CartId}")),
        new("GET", "/admin/orders/{orderId}", Access.StoreAdmin, ids => Request(HttpMethod.Get, $"/admin/orders/{ids.PayOrderId}")) { ServesSuspendedStore = true },
        new("POST", "/admin/orders/{orderId}/pay", Access.StoreAdmin, ids => Request(HttpMethod.Post, $"/admin/orders/{ids.PayOrderId}/pay", new { paymentReference = $"psp-{ids.PayOrderId}" })) { Accepts = Kinds("empty-body", "non-ascii:paymentReference", "traversal:paymentReference"), ServesSuspendedStore = true },
        new("GET", "/admin/analytics", Access.StoreAdmin, _ => Request(HttpMethod.Get, "/admin/analytics?top=5"), NamesNoEntity: true),

        new("GET", "/admin/audit", Access.StoreAdmin, _ => Request(HttpMethod.Get, "/admin/audit?take=5"), NamesNoEntity: true) { InSnapshot = false },
        new("GET", "/platform/audit", Access.Platform, ids => Request(HttpMethod.Get, $"/platform/audit?tenant={ids.TenantId}&take=5")) { InSnapshot = false },

        new("GET", "/admin/stores", Access.StoreOwner, _ => Request(HttpMethod.Get, "/admin/stores"), NamesNoEntity: true),
        // "/admin/stores/stock/.." is "/admin/stores" once the server removes dot segments: a route of its own, not bad input.
        new("GET", "/admin/stores/stock/{sku}", Access.StoreOwner, ids => Request(HttpMethod.Get, $"/admin/stores/stock/{ids.Sku}")) { Accepts = Kinds("route-dot-dot:sku") },
        new("GET", "/admin/stores/analytics", Access.StoreOwner, _ => Request(HttpMethod.Get, "/admin/stores/analytics"), NamesNoEntity: true),

        new("POST", "/platform/tenants", Access.Platform, ids => Request(HttpMethod.Post, "/platform/tenants", new { id = $"{ids.TenantId}-x", name = "X", domains = new[] { $"{ids.TenantId}-x.test" } })) { Accepts = Kinds("non-ascii:name", "traversal:name") },
        new("GET", "/platform/tenants", Access.Platform, _ => Request(HttpMethod.Get, "/platform/tenants")),
        new("POST", "/platform/tenants/{id}/suspend", Access.Platform, ids => Request(HttpMethod.Post, $"/platform/tenants/{ids.TenantId}/suspend")),
        new("POST", "/platform/tenants/{id}/resume", Access.Platform, ids => Request(HttpMethod.Post, $"/platform/tenants/{ids.TenantId}/resume")),
        new("GET", "/platform/analytics", Access.Platform, _ => Request(HttpMethod.Get, "/platform/analytics?top=5")),

        new("GET", "/openapi/{documentName}.json", Access.System, null),
        new("GET", "/health/live", Access.System, null),
        new("GET", "/health/ready", Access.System, null),
        new("GET", "/_test_url_cache_", Access.Hidden, _ => Request(HttpMethod.Get, "/_test_url_cache_")),
    ];

    public static EndpointCase Get(string key) => All.Single(endpoint => endpoint.Key == key);

    /// <summary>Hostile-looking input an endpoint legitimately accepts (see <see cref="EndpointCase.Accepts"/>).</summary>
    public static IReadOnlySet<string> Kinds(params string[] kinds) => new HashSet<string>(kinds, StringComparer.Ordinal);

    public static IEnumerable<object[]> Keys(params Access[] access) =>
        All.Where(endpoint => access.Contains(endpoint.Access)).Select(endpoint => new object[] { endpoint.Key });

    /// <summary>"METHOD /route" for every route endpoint the running app serves.</summary>
    public static IReadOnlyList<string> Discover(IServiceProvider services) =>
        [.. services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(method => $"{method} /{endpoint.RoutePattern.RawText?.TrimStart('/')}"))
            .Distinct()
            .Order(StringComparer.Ordinal)];

    public static HttpRequestMessage Request(HttpMethod method, string url, object? body = null) =>
        new(method, url) { Content = body is null ? null : Http.Json(body) };

    public static HttpRequestMessage Csv(HttpMethod method, string url, string csv) =>
        new(method, url) { Content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv") };
}
