using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;

namespace MultiStore.Api.Tests.Hosting;

/// <summary>
/// What reaches the API over a real socket, on Kestrel: requests TestServer cannot even build (no Host header, an
/// empty one, two of them, a NUL in the path). Whatever reaches the application answers problem+json. Kestrel itself
/// refuses some requests while parsing them, before any middleware runs, with an empty-bodied 400 (or 431): no
/// MultiStore code can shape that answer short of parsing HTTP a second time in front of Kestrel, which would be a
/// request-smuggling risk of its own. Those cases assert the 4xx status and that nothing else happens.
/// </summary>
public sealed class KestrelEdgeTests(KestrelApiFactory api) : IClassFixture<KestrelApiFactory>
{
    private const string StorePath = "/api/stock/FBX-TEE-BLK-M";

    [Fact]
    public async Task WellFormedRequest_OverASocket_IsServed()
    {
        var response = await SendAsync($"GET {StorePath} HTTP/1.1\r\nHost: FIBER-X.LOCALHOST:5080\r\nConnection: close\r\n\r\n");

        Assert.Equal(200, response.Status);
    }

    [Fact]
    public async Task Http11_WithoutHost_IsRefusedByKestrel_With400()
    {
        var response = await SendAsync($"GET {StorePath} HTTP/1.1\r\nConnection: close\r\n\r\n");

        Assert.Equal(400, response.Status);
        Assert.Equal(string.Empty, response.Body);
    }

    [Theory]
    [InlineData("GET /api/stock/FBX-TEE-BLK-M HTTP/1.0\r\nConnection: close\r\n\r\n")]
    [InlineData("GET /api/stock/FBX-TEE-BLK-M HTTP/1.1\r\nHost:\r\nConnection: close\r\n\r\n")]
    [InlineData("GET /api/stock/FBX-TEE-BLK-M HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")]
    [InlineData("GET /api/stock/FBX-TEE-BLK-M HTTP/1.1\r\nHost: [::1]:80\r\nConnection: close\r\n\r\n")]
    [InlineData("GET /admin/stock/FBX-TEE-BLK-M HTTP/1.0\r\nConnection: close\r\n\r\n")]
    public async Task MissingEmptyOrLiteralHost_ThatReachesTheApp_Answers404StoreNotFoundProblem(string raw)
    {
        var response = await SendAsync(raw);

        Assert.Equal(404, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal("store-not-found", JsonNode.Parse(response.Body)!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("two Host headers", "GET /api/stock/FBX-TEE-BLK-M HTTP/1.1\r\nHost: fiber-x.localhost\r\nHost: suzume.localhost\r\nConnection: close\r\n\r\n")]
    [InlineData("Host with a space", "GET /api/stock/FBX-TEE-BLK-M HTTP/1.1\r\nHost: fiber x.localhost\r\nConnection: close\r\n\r\n")]
    [InlineData("Host with a path", "GET /api/stock/FBX-TEE-BLK-M HTTP/1.1\r\nHost: fiber-x.localhost/admin\r\nConnection: close\r\n\r\n")]
    [InlineData("absolute target naming another host", "GET http://suzume.localhost/api/stock/FBX-TEE-BLK-M HTTP/1.1\r\nHost: fiber-x.localhost\r\nConnection: close\r\n\r\n")]
    [InlineData("NUL in the path", "GET /api/stock/FBX%00 HTTP/1.1\r\nHost: fiber-x.localhost\r\nConnection: close\r\n\r\n")]
    [InlineData("two Content-Length headers", "PUT /api/carts/3f2504e0-4f89-11d3-9a0c-0305e82c3301/items/FBX-TEE-BLK-M HTTP/1.1\r\nHost: fiber-x.localhost\r\nContent-Type: application/json\r\nContent-Length: 14\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{\"quantity\":1}")]
    [InlineData("request line garbage", "GET\u0001 / HTTP/1.1\r\nHost: fiber-x.localhost\r\nConnection: close\r\n\r\n")]
    public async Task MalformedRequest_IsRefusedByKestrel_With400_AndNoServerError(string why, string raw)
    {
        var response = await SendAsync(raw);

        Assert.True(response.Status == 400, $"{why}: {response.Status} {response.Body}");
    }

    [Fact]
    public async Task OversizedHeaders_AreRefusedByKestrel_With431()
    {
        var response = await SendAsync($"GET {StorePath} HTTP/1.1\r\nHost: fiber-x.localhost\r\nX-Padding: {new string('a', 40 * 1024)}\r\nConnection: close\r\n\r\n");

        Assert.Equal(431, response.Status);
    }

    [Fact]
    public async Task AdminRoute_WithEmptyStoreHeader_Answers400Problem()
    {
        var token = api.StoreToken("fiber-x", "owner");
        var response = await SendAsync($"GET /admin/stock/FBX-TEE-BLK-M HTTP/1.1\r\nHost: fiber-x.localhost\r\nAuthorization: Bearer {token}\r\nX-Tenant-ID:\r\nConnection: close\r\n\r\n");

        Assert.Equal(400, response.Status);
        Assert.Equal("invalid-tenant-header", JsonNode.Parse(response.Body)!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task RepeatedAuthorization_OverASocket_Answers400Problem()
    {
        var token = api.StoreToken("fiber-x", "owner");
        var response = await SendAsync($"GET /admin/stock/FBX-TEE-BLK-M HTTP/1.1\r\nHost: fiber-x.localhost\r\nAuthorization: Bearer {token}\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n");

        Assert.Equal(400, response.Status);
        Assert.Equal("duplicate-header", JsonNode.Parse(response.Body)!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Idempotency-Key:")]
    [InlineData("Idempotency-Key:    ")]
    public async Task Adjustment_WithAnEmptyIdempotencyKey_Answers400ProblemNamingTheHeader_AndAppliesNothing(string header)
    {
        // TestServer's client drops an empty header before the app sees it; over a socket it arrives as an empty key.
        var (response, stockBefore, stockAfter) = await AdjustOverASocketAsync(header);

        Assert.Equal(400, response.Status);
        Assert.Equal("application/problem+json", response.ContentType);
        Assert.Equal("Idempotency-Key", JsonNode.Parse(response.Body)!["errors"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(stockBefore, stockAfter);
    }

    [Fact]
    public async Task Adjustment_WithANonAsciiIdempotencyKey_IsRefusedByKestrel_With400_AndAppliesNothing()
    {
        // Kestrel refuses a header byte outside ASCII while parsing, before the app (and its validator) runs.
        var (response, stockBefore, stockAfter) = await AdjustOverASocketAsync("Idempotency-Key: schl\u00fcssel");

        Assert.Equal(400, response.Status);
        Assert.Equal(stockBefore, stockAfter);
    }

    private sealed record RawResponse(int Status, string? ContentType, string Body);

    /// <summary>Posts a delivery of 5 to a demo entry with <paramref name="header"/>; the entry as read before and after.</summary>
    private async Task<(RawResponse Response, string StockBefore, string StockAfter)> AdjustOverASocketAsync(string header)
    {
        var token = api.StoreToken("fiber-x", "owner");
        const string Body = """{"delta":5,"reason":"delivery"}""";
        var read = $"GET /admin/stock/FBX-TEE-BLK-M HTTP/1.1\r\nHost: fiber-x.localhost\r\nAuthorization: Bearer {token}\r\nConnection: close\r\n\r\n";

        var before = await SendAsync(read);
        var response = await SendAsync(
            $"POST /admin/stock/FBX-TEE-BLK-M/main/adjustments HTTP/1.1\r\nHost: fiber-x.localhost\r\nAuthorization: Bearer {token}\r\n{header}\r\n" +
            $"Content-Type: application/json\r\nContent-Length: {Body.Length}\r\nConnection: close\r\n\r\n{Body}");
        var after = await SendAsync(read);
        return (response, before.Body, after.Body);
    }

    private async Task<RawResponse> SendAsync(string raw)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, api.HttpPort);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(raw));
        using var reader = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await stream.CopyToAsync(reader, timeout.Token);
        var text = Encoding.UTF8.GetString(reader.ToArray());

        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var head = headerEnd < 0 ? text : text[..headerEnd];
        var body = headerEnd < 0 ? string.Empty : text[(headerEnd + 4)..];
        var lines = head.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var contentType = lines.Skip(1).Select(line => line.Split(':', 2)).Where(pair => pair.Length == 2 && pair[0].Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            .Select(pair => pair[1].Trim().Split(';')[0]).FirstOrDefault();
        if (lines.Any(line => line.Equals("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase)))
        {
            body = Unchunk(body);
        }

        return new RawResponse(status, contentType, body);
    }

    private static string Unchunk(string chunked)
    {
        var result = new StringBuilder();
        var position = 0;
        while (position < chunked.Length)
        {
            var lineEnd = chunked.IndexOf("\r\n", position, StringComparison.Ordinal);
            var size = Convert.ToInt32(chunked[position..lineEnd], 16);
            if (size == 0)
            {
                break;
            }

            result.Append(chunked, lineEnd + 2, size);
            position = lineEnd + 2 + size + 2;
        }

        return result.ToString();
    }
}

/// <summary>The API on Kestrel (a real socket on a free loopback port) instead of TestServer.</summary>
public sealed class KestrelApiFactory : ApiFactory
{
    public KestrelApiFactory()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        HttpPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        UseKestrel(HttpPort);
    }

    public int HttpPort { get; }

    public override Task InitializeAsync()
    {
        StartServer();
        return Task.CompletedTask;
    }
}
