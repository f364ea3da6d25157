using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Api.Problems;

/// <summary>The one table from a grain's refusal code (<see cref="RuleCodes"/>) to the HTTP status it becomes.</summary>
public static class ProblemCatalog
{
    public static int StatusFor(string ruleCode) => ruleCode switch
    {
        RuleCodes.NotFound => StatusCodes.Status404NotFound,
        RuleCodes.InvalidId or RuleCodes.InvalidTenant or RuleCodes.InvalidTtl or RuleCodes.InvalidPage => StatusCodes.Status400BadRequest,
        // As the endpoints' own check of the price answers, which leaves an unchanged price for the catalog to judge.
        RuleCodes.InvalidPrice => StatusCodes.Status400BadRequest,
        // The request was well-formed but the number breaks a stock limit (e.g. on-hand above its maximum).
        RuleCodes.InvalidQuantity or RuleCodes.InvalidProduct or RuleCodes.InvalidTheme or RuleCodes.InvalidWebhook => StatusCodes.Status422UnprocessableEntity,
        // What the IETF Idempotency-Key draft (draft-ietf-httpapi-idempotency-key-header) prescribes for a key reused
        // with a different payload: the request is well-formed, but this key cannot mean it. (The draft keeps 409 for
        // a retry while the original is still processing; a stock entry makes such a retry wait and answers it.)
        RuleCodes.IdempotencyKeyReused => StatusCodes.Status422UnprocessableEntity,
        RuleCodes.InsufficientStock
            or RuleCodes.OnHandBelowReserved
            or RuleCodes.StockChanged
            or RuleCodes.ReservationIdReused
            or RuleCodes.CartClosed
            or RuleCodes.CartEmpty
            or RuleCodes.CartFull
            or RuleCodes.OrderNotPending
            or RuleCodes.OrderExpired
            or RuleCodes.PaymentReferenceUsed
            or RuleCodes.TenantExists
            or RuleCodes.DomainTaken
            or RuleCodes.ProductExists
            or RuleCodes.CatalogLocked
            or RuleCodes.NotForSale
            or RuleCodes.SkuSpelling => StatusCodes.Status409Conflict,
        // A refusal this API does not know yet is still the client's problem, never a 500.
        _ => StatusCodes.Status409Conflict,
    };

    public static string TitleFor(string ruleCode) => ruleCode switch
    {
        RuleCodes.NotFound => "Not found",
        RuleCodes.InvalidId => "Invalid id",
        RuleCodes.InvalidTenant => "Invalid store",
        RuleCodes.InvalidPage => "Invalid page",
        RuleCodes.InvalidQuantity => "Invalid quantity",
        RuleCodes.InsufficientStock => "Insufficient stock",
        RuleCodes.OnHandBelowReserved => "On hand would drop below reserved",
        RuleCodes.StockChanged => "Stock changed since it was read",
        RuleCodes.ReservationIdReused => "Reservation id reused",
        RuleCodes.IdempotencyKeyReused => "Idempotency key already used for a different request",
        RuleCodes.CartClosed => "Cart already checked out",
        RuleCodes.CartEmpty => "Cart is empty",
        RuleCodes.CartFull => "Cart is full",
        RuleCodes.InvalidTtl => "Invalid hold time",
        RuleCodes.OrderNotPending => "Order is not pending payment",
        RuleCodes.OrderExpired => "Order expired",
        RuleCodes.PaymentReferenceUsed => "Payment reference already used",
        RuleCodes.TenantExists => "Store already exists",
        RuleCodes.DomainTaken => "Domain already taken",
        RuleCodes.InvalidProduct => "Invalid product",
        RuleCodes.InvalidPrice => "Invalid price",
        RuleCodes.ProductExists => "Product already exists",
        RuleCodes.CatalogLocked => "Catalog setting is fixed",
        RuleCodes.InvalidTheme => "Invalid theme",
        RuleCodes.InvalidWebhook => "Invalid webhook URL",
        RuleCodes.NotForSale => "No longer for sale",
        RuleCodes.SkuSpelling => "SKU spelled differently",
        _ => "Request refused",
    };

    /// <summary>
    /// <see cref="ForStatus(int)"/> for a request to <paramref name="path"/>: a 403 on a platform route says what the
    /// route needs, a platform operator's token, since no store is involved there (a store token is refused as such).
    /// </summary>
    public static ApiProblem ForStatus(int status, PathString path) =>
        status == StatusCodes.Status403Forbidden && path.StartsWithSegments(PlatformRoutes, StringComparison.OrdinalIgnoreCase)
            ? ApiProblem.Create(status, ApiProblemCodes.Forbidden, "Forbidden", "This route needs a platform operator token (role platform-operator); store roles grant nothing here.")
            : ForStatus(status);

    /// <summary>Where the platform's routes live (<c>/platform/tenants</c>, <c>/platform/analytics</c>, <c>/platform/audit</c>).</summary>
    private static readonly PathString PlatformRoutes = "/platform";

    /// <summary>The problem an empty-bodied error status (from routing, auth, Kestrel) is turned into.</summary>
    public static ApiProblem ForStatus(int status) => status switch
    {
        StatusCodes.Status401Unauthorized => ApiProblem.Create(status, ApiProblemCodes.Unauthorized, "Unauthorized", "A valid bearer token is required."),
        StatusCodes.Status403Forbidden => ApiProblem.Create(status, ApiProblemCodes.Forbidden, "Forbidden", "The token grants no permission for this action in this store."),
        StatusCodes.Status404NotFound => ApiProblem.Create(status, RuleCodes.NotFound, "Not found"),
        StatusCodes.Status405MethodNotAllowed => ApiProblem.Create(status, ApiProblemCodes.MethodNotAllowed, "Method not allowed"),
        StatusCodes.Status413PayloadTooLarge => ApiProblem.Create(status, ApiProblemCodes.RequestTooLarge, "Request body too large"),
        StatusCodes.Status415UnsupportedMediaType => ApiProblem.Create(status, ApiProblemCodes.UnsupportedMediaType, "Unsupported media type", "Send the body as application/json."),
        >= 500 => ApiProblem.Create(status, ApiProblemCodes.Internal, "Server error"),
        _ => ApiProblem.Create(status, ApiProblemCodes.BadRequest, "Bad request"),
    };
}
