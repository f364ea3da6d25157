using System.Text;

namespace MultiStore.Bench.Targets;

/// <summary>
/// The storefront's "set a cart line" request as HTTP/1.1 bytes, for one store and SKU:
/// <c>PUT {path}/api/carts/{cartId}/items/{sku}</c> with <c>Host</c> = the store's domain and a JSON body. Everything
/// but the cart id is laid out once; <see cref="Write"/> fills in a fresh cart per request.
/// </summary>
internal sealed class CartLineRequest
{
    /// <summary>A cart id in its "D" form: 32 hex digits and 4 hyphens.</summary>
    private const int CartIdLength = 36;

    private readonly byte[] _beforeCartId;
    private readonly byte[] _afterCartId;

    public CartLineRequest(string pathBase, string host, string sku, string jsonBody)
    {
        var body = Encoding.UTF8.GetBytes(jsonBody);
        _beforeCartId = Encoding.ASCII.GetBytes($"PUT {pathBase.TrimEnd('/')}/api/carts/");
        _afterCartId = [
            .. Encoding.ASCII.GetBytes($"/items/{Uri.EscapeDataString(sku)} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n"),
            .. body];
    }

    /// <summary>How many bytes <see cref="Write"/> writes.</summary>
    public int Length => _beforeCartId.Length + CartIdLength + _afterCartId.Length;

    /// <summary>Writes the request for <paramref name="cartId"/> at the start of <paramref name="destination"/>; answers its length.</summary>
    public int Write(Guid cartId, Span<byte> destination)
    {
        _beforeCartId.CopyTo(destination);
        if (!cartId.TryFormat(destination[_beforeCartId.Length..], out var written, "D") || written != CartIdLength)
        {
            throw new ArgumentException($"The destination holds fewer than {Length} bytes.", nameof(destination));
        }

        _afterCartId.CopyTo(destination[(_beforeCartId.Length + CartIdLength)..]);
        return Length;
    }
}
