namespace MultiStore.Api.Tests.Security;

/// <summary>What a caller gets back.</summary>
public enum Outcome
{
    /// <summary>2xx: the endpoint acts.</summary>
    Allowed,

    /// <summary>401 <c>unauthorized</c>: no token.</summary>
    Unauthorized,

    /// <summary>403 <c>forbidden</c>: a token without the right here.</summary>
    Forbidden,

    /// <summary>403 <c>store-not-granted</c>: <c>X-Tenant-ID</c> names a store the token holds no role in.</summary>
    StoreNotGranted,

    /// <summary>404: the route answers nobody.</summary>
    NotFound,
}

/// <summary>Who calls: nobody in particular, the platform operator, or a user with one store role.</summary>
public enum Caller
{
    Anonymous,
    PlatformOperator,
    Owner,
    BrandManager,
    Warehouse,
    Support,
}

/// <summary>Where the caller's store role is, seen from the store the request is meant for ("this store").</summary>
public enum Standing
{
    /// <summary>The caller holds no store role anywhere (anonymous, platform operator).</summary>
    NoStoreRole,

    /// <summary>The role is held in this store, and the request goes to this store's Host.</summary>
    OwnStore,

    /// <summary>The role is held only in another store, and the request goes to this store's Host.</summary>
    OtherStore,

    /// <summary>The role is held only in another store; the request goes to that store's Host with <c>X-Tenant-ID</c> naming this one.</summary>
    OtherStoreNamingThisOne,
}

/// <summary>The kind of door an endpoint has.</summary>
public enum Door
{
    /// <summary>The storefront: anyone, the Host names the store, a token changes nothing.</summary>
    Storefront,

    /// <summary>An admin route: a role in the store the request acts for that grants every listed permission.</summary>
    StorePermissions,

    /// <summary>The owner's cross-store view: an owner grant in any store, on any Host; it shows the token's stores.</summary>
    OwnerOfAnyStore,

    /// <summary>The platform: the <c>platform-operator</c> role, on any Host.</summary>
    PlatformOperator,

    /// <summary>Not business data (OpenAPI, health): anyone, on any Host.</summary>
    Anyone,

    /// <summary>Mapped by a library, served to nobody.</summary>
    Nobody,
}

/// <summary>What an endpoint demands of its caller.</summary>
/// <param name="Url">For endpoints the catalog has no sample for: the URL to call.</param>
public sealed record Demand(Door Door, IReadOnlyList<string> Permissions, string? Url = null)
{
    public override string ToString() => Door == Door.StorePermissions ? string.Join(" + ", Permissions) : Door.ToString();
}

/// <summary>
/// The expected outcome of every endpoint for every caller, in this store and from another one, written from the
/// README ("HTTP contract" and "Roles and permissions") and independent of the production tables in <c>Api/Auth</c>:
/// the tests compare the running app with this file, so it must never read <c>StorePermissions</c>.
/// <list type="number">
/// <item><see cref="Endpoints"/>: what each endpoint of <see cref="EndpointCatalog"/> demands.</item>
/// <item><see cref="Roles"/>: which permissions each store role grants (the README's table, row for row).</item>
/// <item><see cref="Expected"/>: the outcome both imply for a caller.</item>
/// </list>
/// </summary>
public static class AccessMatrix
{
    private const bool Yes = true;
    private const bool No = false;

    /// <summary>The store roles as tokens name them, in the README's column order.</summary>
    public static IReadOnlyDictionary<Caller, string> StoreRoleNames { get; } = new Dictionary<Caller, string>
    {
        [Caller.Owner] = "owner",
        [Caller.BrandManager] = "brand-manager",
        [Caller.Warehouse] = "warehouse",
        [Caller.Support] = "support",
    };

    /// <summary>README, "Roles and permissions": what each store role grants, in the store it names and nowhere else.</summary>
    public static IReadOnlyList<(string Permission, bool Owner, bool BrandManager, bool Warehouse, bool Support)> Roles { get; } =
    [
        // Permission        owner  brand-manager  warehouse  support
        ("stock.read",       Yes,   Yes,           Yes,       Yes),
        ("stock.write",      Yes,   Yes,           Yes,       No),
        ("orders.read",      Yes,   Yes,           No,        Yes),
        ("orders.pay",       Yes,   Yes,           No,        No),
        ("carts.read",       Yes,   No,            No,        Yes),
        ("audit.read",       Yes,   No,            No,        No),
        ("catalog.read",     Yes,   Yes,           Yes,       Yes),
        ("catalog.write",    Yes,   Yes,           No,        No),
        ("zones.write",      Yes,   No,            Yes,       No),
        ("storefront.write", Yes,   Yes,           No,        No),
        ("alerts.read",      Yes,   Yes,           Yes,       No),
        ("alerts.write",     Yes,   Yes,           Yes,       No),
        ("webhooks.manage",  Yes,   No,            No,        No),
        ("analytics.read",   Yes,   Yes,           No,        No),
    ];

    private static readonly Demand Storefront = new(Door.Storefront, []);
    private static readonly Demand OwnerOfAnyStore = new(Door.OwnerOfAnyStore, []);
    private static readonly Demand Operator = new(Door.PlatformOperator, []);
    private static readonly Demand Nobody = new(Door.Nobody, []);

    /// <summary>What each endpoint demands, keyed like <see cref="EndpointCase.Key"/>. Every catalogued endpoint needs a line.</summary>
    public static IReadOnlyDictionary<string, Demand> Endpoints { get; } = new Dictionary<string, Demand>(StringComparer.Ordinal)
    {
        // Storefront: shoppers, on the store's own Host.
        ["GET /api/stock/{sku}"] = Storefront,
        ["PUT /api/carts/{cartId}/items/{sku}"] = Storefront,
        ["DELETE /api/carts/{cartId}/items/{sku}"] = Storefront,
        ["GET /api/carts/{cartId}"] = Storefront,
        ["POST /api/carts/{cartId}/checkout"] = Storefront,
        ["GET /api/orders/{orderId}"] = Storefront,
        ["POST /api/orders/{orderId}/cancel"] = Storefront,
        ["GET /api/products"] = Storefront,
        ["GET /api/products/{handle}"] = Storefront,
        ["GET /api/storefront"] = Storefront,
        ["GET /robots.txt"] = Storefront,
        ["GET /sitemap.xml"] = Storefront,
        ["GET /sitemaps/{page}.xml"] = Storefront,

        // Admin routes: the permission(s) a role must grant in the store the request acts for.
        ["PUT /admin/storefront/theme"] = Store("storefront.write"),
        ["POST /admin/products"] = Store("catalog.write"),
        ["GET /admin/products/{handle}"] = Store("catalog.read"),
        ["PUT /admin/products/{handle}"] = Store("catalog.write"),
        ["POST /admin/products/{handle}/archive"] = Store("catalog.write"),
        ["POST /admin/products/{handle}/variants"] = Store("catalog.write"),
        // An import sets stock counts and an export shows them: each needs the stock permission as well as the catalog one.
        ["POST /admin/catalog/import"] = Store("catalog.write", "stock.write"),
        ["GET /admin/catalog/export"] = Store("catalog.read", "stock.read"),
        // Zones are read by anyone who reads stock; changing them is zones.write.
        ["GET /admin/zones"] = Store("stock.read"),
        ["PUT /admin/zones/{zone}"] = Store("zones.write"),
        ["GET /admin/stock/{sku}"] = Store("stock.read"),
        ["PUT /admin/stock/{sku}/{zone}"] = Store("stock.write"),
        ["POST /admin/stock/{sku}/{zone}/adjustments"] = Store("stock.write"),
        ["GET /admin/stock/{sku}/{zone}/ledger"] = Store("stock.read"),
        // A reorder point is a low-stock alert's threshold.
        ["PUT /admin/stock/{sku}/{zone}/reorder-point"] = Store("alerts.write"),
        ["GET /admin/alerts"] = Store("alerts.read"),
        ["PUT /admin/webhooks"] = Store("webhooks.manage"),
        ["GET /admin/webhooks"] = Store("webhooks.manage"),
        ["DELETE /admin/webhooks"] = Store("webhooks.manage"),
        ["GET /admin/carts/{cartId}"] = Store("carts.read"),
        ["GET /admin/orders/{orderId}"] = Store("orders.read"),
        ["POST /admin/orders/{orderId}/pay"] = Store("orders.pay"),
        ["GET /admin/analytics"] = Store("analytics.read"),
        ["GET /admin/audit"] = Store("audit.read"),

        // The owner's cross-store view.
        ["GET /admin/stores"] = OwnerOfAnyStore,
        ["GET /admin/stores/stock/{sku}"] = OwnerOfAnyStore,
        ["GET /admin/stores/analytics"] = OwnerOfAnyStore,

        // The platform.
        ["POST /platform/tenants"] = Operator,
        ["GET /platform/tenants"] = Operator,
        ["POST /platform/tenants/{id}/suspend"] = Operator,
        ["POST /platform/tenants/{id}/resume"] = Operator,
        ["GET /platform/analytics"] = Operator,
        ["GET /platform/audit"] = Operator,

        // Not business data.
        ["GET /openapi/{documentName}.json"] = Anyone("/openapi/v1.json"),
        ["GET /health/live"] = Anyone("/health/live"),
        ["GET /health/ready"] = Anyone("/health/ready"),
        ["GET /_test_url_cache_"] = Nobody,
    };

    /// <summary>True when the README's table has <paramref name="caller"/>'s role grant <paramref name="permission"/>.</summary>
    public static bool Grants(Caller caller, string permission)
    {
        var row = Roles.SingleOrDefault(row => row.Permission == permission);
        Assert.True(row.Permission is not null, $"'{permission}' is not a permission of the README's table (AccessMatrix.Roles).");
        return caller switch
        {
            Caller.Owner => row.Owner,
            Caller.BrandManager => row.BrandManager,
            Caller.Warehouse => row.Warehouse,
            Caller.Support => row.Support,
            _ => false,
        };
    }

    /// <summary>The outcome the README promises <paramref name="caller"/>, standing as <paramref name="standing"/>, at an endpoint demanding <paramref name="demand"/>.</summary>
    public static Outcome Expected(Demand demand, Caller caller, Standing standing) => demand.Door switch
    {
        Door.Nobody => Outcome.NotFound,
        Door.Anyone or Door.Storefront => Outcome.Allowed,
        _ when caller == Caller.Anonymous => Outcome.Unauthorized,
        Door.PlatformOperator => caller == Caller.PlatformOperator ? Outcome.Allowed : Outcome.Forbidden,
        // The view follows the token's owner grants, not the Host: an owner of another store sees that store here.
        Door.OwnerOfAnyStore => caller == Caller.Owner ? Outcome.Allowed : Outcome.Forbidden,
        Door.StorePermissions => standing switch
        {
            Standing.OtherStoreNamingThisOne => Outcome.StoreNotGranted,
            Standing.OwnStore when demand.Permissions.All(permission => Grants(caller, permission)) => Outcome.Allowed,
            _ => Outcome.Forbidden,
        },
        _ => throw new ArgumentOutOfRangeException(nameof(demand), demand.Door, "A door the matrix does not know."),
    };

    /// <summary>Where each caller is tried at an endpoint behind <paramref name="door"/>.</summary>
    public static IEnumerable<(Caller Caller, Standing Standing)> Callers(Door door)
    {
        yield return (Caller.Anonymous, Standing.NoStoreRole);
        yield return (Caller.PlatformOperator, Standing.NoStoreRole);
        foreach (var role in StoreRoleNames.Keys)
        {
            yield return (role, Standing.OwnStore);
            yield return (role, Standing.OtherStore);
            if (door == Door.StorePermissions)
            {
                // Only admin routes honour X-Tenant-ID; the storefront, the cross-store view and the platform ignore it.
                yield return (role, Standing.OtherStoreNamingThisOne);
            }
        }
    }

    private static Demand Store(params string[] permissions) => new(Door.StorePermissions, permissions);

    private static Demand Anyone(string url) => new(Door.Anyone, [], url);
}
