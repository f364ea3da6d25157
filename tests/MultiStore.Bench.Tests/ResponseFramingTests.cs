using System.Text;
using MultiStore.Bench.Http;

namespace MultiStore.Bench.Tests;

/// <summary>The load client finds where each response ends (its framing) and reads its status; a response it cannot frame is an error, never a guess.</summary>
public sealed class ResponseFramingTests
{
    /// <summary>What Kestrel answers the storefront's PUT with: a chunked JSON body.</summary>
    private const string Chunked =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nDate: Sun, 06 Dec 2026 14:11:19 GMT\r\nServer: Kestrel\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "d\r\n{\"cartId\":\"a\"\r\n3\r\n,\"b\r\n3;name=value\r\n\":1\r\n1\r\n}\r\n0\r\n\r\n";

    private const string Sized = "HTTP/1.1 409 Conflict\r\nContent-Type: application/problem+json\r\nContent-Length: 11\r\n\r\n{\"code\":1}\n";

    public static TheoryData<string, int> WholeResponses => new()
    {
        { Chunked, 200 },
        { Sized, 409 },
        { "HTTP/1.1 204 No Content\r\nServer: Kestrel\r\n\r\n", 204 },
        { "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-Trailer: 1\r\n\r\n", 200 },
        { "HTTP/1.1 500\r\nContent-Length: 0\r\n\r\n", 500 },
        { "HTTP/1.1 200 OK\r\ncontent-length:  2 \r\n\r\nok", 200 },
    };

    [Theory]
    [MemberData(nameof(WholeResponses))]
    public void TryRead_FramesAWholeResponse_AndNeedsMoreForEveryShorterPrefix(string response, int statusCode)
    {
        var bytes = Encoding.ASCII.GetBytes(response);

        Assert.True(ResponseFraming.TryRead(bytes, out var frame));
        Assert.Equal(new ResponseFrame(statusCode, bytes.Length, KeepAlive: true), frame);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(ResponseFraming.TryRead(bytes.AsSpan(0, length), out _), $"complete after {length} of {bytes.Length} bytes");
        }
    }

    [Fact]
    public void TryRead_EndsAtTheResponse_LeavingWhatFollows()
    {
        var bytes = Encoding.ASCII.GetBytes(Sized + "HTTP/1.1 200 OK\r\n");

        Assert.True(ResponseFraming.TryRead(bytes, out var frame));
        Assert.Equal(Sized.Length, frame.Length);
    }

    [Theory]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", false)]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: Upgrade, Close\r\nContent-Length: 0\r\n\r\n", false)]
    [InlineData("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n", false)]
    [InlineData("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", true)]
    [InlineData("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", true)]
    public void TryRead_TellsWhetherTheConnectionStaysOpen(string response, bool keepAlive)
    {
        Assert.True(ResponseFraming.TryRead(Encoding.ASCII.GetBytes(response), out var frame));
        Assert.Equal(keepAlive, frame.KeepAlive);
    }

    [Theory]
    [InlineData("HTTP/2 200 OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 100 Continue\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: two\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc")]
    [InlineData("HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 0\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the connection closes")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    [InlineData("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\naXY0\r\n\r\n")]
    public void TryRead_RefusesWhatItCannotFrame(string response)
    {
        Assert.Throws<InvalidDataException>(() => ResponseFraming.TryRead(Encoding.ASCII.GetBytes(response), out _));
    }

    [Fact]
    public void TryRead_RefusesAHeadThatNeverEnds()
    {
        var endless = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nX-Filler: " + new string('a', ResponseFraming.MaxHeadBytes));

        Assert.Throws<InvalidDataException>(() => ResponseFraming.TryRead(endless, out _));
    }
}
