using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace MultiStore.Grains.Interfaces.Stock;

/// <summary>
/// How a webhook delivery is signed, for senders and receivers alike. The signed content is
/// <c>{timestamp}.{body}</c>, the timestamp being the <see cref="TimestampHeader"/> value (Unix seconds), so a
/// receiver that checks the signature and refuses old timestamps cannot be fed a replayed delivery.
/// </summary>
public static class WebhookSignature
{
    /// <summary><c>sha256=</c> followed by the lowercase hex HMAC-SHA256 of the signed content with the store's secret.</summary>
    public const string SignatureHeader = "X-MultiStore-Signature";

    /// <summary>When the delivery was signed, in Unix seconds; a new value on every attempt.</summary>
    public const string TimestampHeader = "X-MultiStore-Timestamp";

    /// <summary>The alert's id, the same on every attempt: receivers use it to drop duplicates.</summary>
    public const string DeliveryHeader = "X-MultiStore-Delivery";

    /// <summary>What happened: <c>low-stock</c>.</summary>
    public const string EventHeader = "X-MultiStore-Event";

    /// <summary>The <see cref="SignatureHeader"/> value for <paramref name="body"/> signed at <paramref name="timestamp"/>.</summary>
    public static string Sign(string secret, long timestamp, string body)
    {
        var content = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "." + body);
        return "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), content));
    }

    /// <summary>
    /// True when <paramref name="signature"/> signs <paramref name="body"/> at <paramref name="timestamp"/> with
    /// <paramref name="secret"/> and the timestamp is within <paramref name="tolerance"/> of <paramref name="now"/>.
    /// </summary>
    public static bool Verify(string secret, string timestamp, string body, string signature, DateTimeOffset now, TimeSpan tolerance)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || Math.Abs(now.ToUnixTimeSeconds() - seconds) > tolerance.TotalSeconds)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, seconds, body)), Encoding.ASCII.GetBytes(signature));
    }
}
