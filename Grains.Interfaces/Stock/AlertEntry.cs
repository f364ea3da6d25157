namespace MultiStore.Grains.Interfaces.Stock;

/// <summary>How far an alert's webhook delivery got.</summary>
[GenerateSerializer, Alias("multistore.AlertDelivery")]
public enum AlertDelivery
{
    /// <summary>No webhook was set when the alert was raised: it is only listed.</summary>
    None = 0,

    /// <summary>Waiting for its next attempt.</summary>
    Pending = 1,

    /// <summary>The webhook answered 2xx.</summary>
    Delivered = 2,

    /// <summary>Every attempt failed (or the webhook was removed meanwhile); it is not tried again.</summary>
    Failed = 3,
}

/// <summary>One alert as the store lists it, with its delivery.</summary>
/// <param name="Id">The store's sequence number of the alert (1, 2, …), also sent as the webhook's delivery id.</param>
/// <param name="Attempts">Webhook calls made so far.</param>
/// <param name="NextAttemptAt">When a pending delivery is tried next.</param>
/// <param name="LastError">Why the last attempt failed (status code or error), if it did.</param>
[GenerateSerializer, Immutable, Alias("multistore.AlertEntry")]
public sealed record AlertEntry(
    [property: Id(0)] long Id,
    [property: Id(1)] LowStockAlert Alert,
    [property: Id(2)] AlertDelivery Delivery,
    [property: Id(3)] int Attempts,
    [property: Id(4)] DateTimeOffset? NextAttemptAt,
    [property: Id(5)] string? LastError,
    [property: Id(6)] DateTimeOffset? DeliveredAt);

/// <summary>A page of alerts, newest first.</summary>
/// <param name="NextBefore">Pass as <c>before</c> for the next (older) page; null on the last page.</param>
/// <param name="DroppedAlerts">
/// Alerts the store's stock entries dropped without the store acknowledging them (each keeps its newest 20 waiting),
/// so the store may never have got them: a count over the store's life, not this page's.
/// </param>
/// <param name="DroppedUndelivered">
/// Alerts the store stored but dropped from its list (it keeps its newest 500) while they were still waiting for the
/// webhook, so the receiver never got them: a count over the store's life.
/// </param>
[GenerateSerializer, Immutable, Alias("multistore.AlertPage")]
public sealed record AlertPage(
    [property: Id(0)] IReadOnlyList<AlertEntry> Alerts,
    [property: Id(1)] long? NextBefore,
    [property: Id(2)] long DroppedAlerts = 0,
    [property: Id(3)] long DroppedUndelivered = 0);

/// <summary>The store's webhook as admins see it after it was set: never its secret.</summary>
[GenerateSerializer, Immutable, Alias("multistore.WebhookView")]
public sealed record WebhookView(
    [property: Id(0)] string Url,
    [property: Id(1)] DateTimeOffset CreatedAt);

/// <summary>The answer to setting a webhook: the only time the secret is shown.</summary>
/// <param name="Secret">The key of the HMAC-SHA256 signature of every delivery (see <see cref="WebhookSignature"/>).</param>
[GenerateSerializer, Immutable, Alias("multistore.WebhookSecret")]
public sealed record WebhookSecret(
    [property: Id(0)] string Url,
    [property: Id(1)] string Secret,
    [property: Id(2)] DateTimeOffset CreatedAt);
