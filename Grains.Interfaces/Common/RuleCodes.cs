namespace MultiStore.Grains.Interfaces.Common;

/// <summary>The reasons a grain refuses a request; each is a problem type the API documents.</summary>
public static class RuleCodes
{
    public const string NotFound = "not-found";
    public const string InvalidQuantity = "invalid-quantity";
    public const string InvalidId = "invalid-id";
    public const string InsufficientStock = "insufficient-stock";
    public const string OnHandBelowReserved = "on-hand-below-reserved";
    public const string ReservationIdReused = "reservation-id-reused";

    /// <summary>An idempotency key already applied to a different request (another delta or reason): nothing is applied.</summary>
    public const string IdempotencyKeyReused = "idempotency-key-reused";

    /// <summary>
    /// A count made against an on-hand the entry no longer has (see <see cref="Stock.StockAdjustment.OnHandBasis"/>):
    /// units moved since it was read, so the count is not applied.
    /// </summary>
    public const string StockChanged = "stock-changed";

    public const string CartClosed = "cart-checked-out";
    public const string CartEmpty = "cart-empty";
    public const string OrderNotPending = "order-not-pending";
    public const string OrderExpired = "order-expired";

    /// <summary>
    /// A payment reference that already pays (or is paying) another order of the store: one capture pays one order, so
    /// the order stays pending and nothing is sold.
    /// </summary>
    public const string PaymentReferenceUsed = "payment-reference-used";
    public const string TenantExists = "tenant-exists";
    public const string DomainTaken = "domain-taken";
    public const string InvalidTenant = "invalid-tenant";
    public const string InvalidTtl = "invalid-ttl";
    public const string CartFull = "cart-full";
    public const string InvalidProduct = "invalid-product";

    /// <summary>
    /// A new or changed price out of range or with more decimals than its store's currency has (1234.5 yen): a 400
    /// naming the currency. A price sent back unchanged is kept as stored, even one stored before that rule.
    /// </summary>
    public const string InvalidPrice = "invalid-price";
    public const string ProductExists = "product-exists";
    public const string CatalogLocked = "catalog-locked";
    public const string InvalidTheme = "invalid-theme";
    public const string InvalidWebhook = "invalid-webhook";
    public const string NotForSale = "not-for-sale";

    /// <summary>A SKU typed in other letter case than the catalog issued it in: stock under another spelling would be a separate entry.</summary>
    public const string SkuSpelling = "sku-spelling";

    /// <summary>A listing page asked with a size out of range or a cursor that is no store id: nothing is listed.</summary>
    public const string InvalidPage = "invalid-page";
}
