using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Api.Features.Webhooks.Put;

/// <summary>The webhook as set, with its secret: the only answer that ever shows it.</summary>
/// <param name="Secret">Verify each delivery: <c>X-MultiStore-Signature</c> is <c>sha256=</c> + hex HMAC-SHA256 of
/// <c>{X-MultiStore-Timestamp}.{body}</c> with this secret; refuse timestamps more than a few minutes old.</param>
public sealed record Response(string Url, string Secret, DateTimeOffset CreatedAt, string SignatureHeader, string TimestampHeader)
{
    public static Response From(WebhookSecret webhook) =>
        new(webhook.Url, webhook.Secret, webhook.CreatedAt, WebhookSignature.SignatureHeader, WebhookSignature.TimestampHeader);
}
