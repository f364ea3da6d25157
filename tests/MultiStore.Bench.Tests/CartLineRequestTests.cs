using System.Text;
using MultiStore.Bench.Targets;

namespace MultiStore.Bench.Tests;

/// <summary>The http target's request: the storefront route, the store's domain as Host, a body of the length it declares.</summary>
public sealed class CartLineRequestTests
{
    [Theory]
    [InlineData("/", "/api/carts/")]
    [InlineData("/shop/", "/shop/api/carts/")]
    public void Write_LaysOutThePutOfOneCartLine(string pathBase, string route)
    {
        var body = """{"quantity":1,"zone":"main"}""";
        var request = new CartLineRequest(pathBase, "s-1.bench.localhost", "FLASH", body);
        var cartId = Guid.Parse("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
        var buffer = new byte[request.Length + 10];

        var written = request.Write(cartId, buffer);

        Assert.Equal(request.Length, written);
        Assert.Equal(
            $"PUT {route}3f2504e0-4f89-11d3-9a0c-0305e82c3301/items/FLASH HTTP/1.1\r\nHost: s-1.bench.localhost\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\n\r\n{body}",
            Encoding.ASCII.GetString(buffer, 0, written));
    }

    [Fact]
    public void Write_EscapesTheSkuInThePath()
    {
        var request = new CartLineRequest("/", "s.localhost", "A B/1", "{}");
        var buffer = new byte[request.Length];

        request.Write(Guid.Empty, buffer);

        Assert.StartsWith("PUT /api/carts/00000000-0000-0000-0000-000000000000/items/A%20B%2F1 HTTP/1.1\r\n", Encoding.ASCII.GetString(buffer));
    }

    [Fact]
    public void Write_RefusesABufferTooSmall()
    {
        var request = new CartLineRequest("/", "s.localhost", "FLASH", "{}");

        Assert.Throws<ArgumentException>(() => request.Write(Guid.NewGuid(), new byte[request.Length - 1]));
    }
}
