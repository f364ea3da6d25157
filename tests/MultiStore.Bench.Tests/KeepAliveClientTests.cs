using System.Net;
using System.Net.Sockets;
using System.Globalization;
using System.Text;
using MultiStore.Bench.Http;

namespace MultiStore.Bench.Tests;

/// <summary>
/// The load client against a scripted server on loopback: connections are kept and reused, a connection the server
/// closes is replaced, and a broken answer is an error of that call only.
/// </summary>
public sealed class KeepAliveClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private const int RequestBodyLength = 2;
    private static readonly byte[] Request = Encoding.ASCII.GetBytes($"PUT /x HTTP/1.1\r\nHost: a.localhost\r\nContent-Length: {RequestBodyLength}\r\n\r\n{{}}");

    [Fact]
    public async Task SendAsync_KeepsOneConnectionForRequestsOneAfterAnother()
    {
        await using var server = new ScriptedServer(_ => "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n");
        using var client = new KeepAliveClient(server.EndPoint, Timeout);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(200, await client.SendAsync(Request));
        }

        Assert.Equal(1, client.Opened);
        Assert.Equal(1, server.Accepted);
        Assert.Equal(Enumerable.Repeat(Encoding.ASCII.GetString(Request), 3), server.Requests);
    }

    [Fact]
    public async Task SendAsync_ReadsAnAnswerThatComesByteByByte()
    {
        await using var server = new ScriptedServer(_ => "HTTP/1.1 409 Conflict\r\nContent-Length: 4\r\n\r\nfull", bytesPerWrite: 1);
        using var client = new KeepAliveClient(server.EndPoint, Timeout);

        Assert.Equal(409, await client.SendAsync(Request));
        Assert.Equal(409, await client.SendAsync(Request));
        Assert.Equal(1, server.Accepted);
    }

    [Fact]
    public async Task SendAsync_OpensAnotherConnection_AfterTheServerSaidClose()
    {
        await using var server = new ScriptedServer(_ => "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", closeAfterAnswer: true);
        using var client = new KeepAliveClient(server.EndPoint, Timeout);

        Assert.Equal(200, await client.SendAsync(Request));
        Assert.Equal(200, await client.SendAsync(Request));
        Assert.Equal(2, server.Accepted);
    }

    [Fact]
    public async Task SendAsync_SendsAgainOnANewConnection_WhenTheServerLetAnIdleOneGo()
    {
        // The server closes each connection after one answer without saying so, as one whose keep-alive timeout passed.
        await using var server = new ScriptedServer(_ => "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", closeAfterAnswer: true);
        using var client = new KeepAliveClient(server.EndPoint, Timeout);

        Assert.Equal(200, await client.SendAsync(Request));
        await server.WaitForClosedAsync(1);
        Assert.Equal(200, await client.SendAsync(Request));

        Assert.Equal(2, client.Opened);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public async Task SendAsync_SendsAgainOnANewConnection_WhenTheServerStoppedSendingOnAnIdleOne()
    {
        // The server ends its side after each answer but keeps reading: no reset ever comes, so only the end of stream
        // that arrived while the connection sat idle tells that it will not answer.
        await using var server = new ScriptedServer(_ => "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", stopSendingAfterAnswer: true);
        using var client = new KeepAliveClient(server.EndPoint, TimeSpan.FromSeconds(2));

        Assert.Equal(200, await client.SendAsync(Request));
        await Task.Delay(100);
        Assert.Equal(200, await client.SendAsync(Request));

        Assert.Equal(2, client.Opened);
    }

    [Fact]
    public async Task SendAsync_FailsTheCall_WhenTheAnswerCannotBeFramed_AndRecoversOnTheNext()
    {
        await using var server = new ScriptedServer(n => n == 0 ? "HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n" : "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        using var client = new KeepAliveClient(server.EndPoint, Timeout);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await client.SendAsync(Request));
        Assert.Equal(200, await client.SendAsync(Request));
        Assert.Equal(2, client.Opened);
    }

    [Fact]
    public async Task SendAsync_FailsTheCall_WhenTheServerAnswersMoreThanWasAsked()
    {
        const string Answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
        await using var server = new ScriptedServer(_ => Answer + Answer);
        using var client = new KeepAliveClient(server.EndPoint, Timeout);

        await Assert.ThrowsAsync<InvalidDataException>(async () => await client.SendAsync(Request));
    }

    [Fact]
    public async Task SendAsync_FailsTheCall_WhenAFreshConnectionClosesBeforeAnswering()
    {
        await using var server = new ScriptedServer(_ => null);
        using var client = new KeepAliveClient(server.EndPoint, Timeout);

        await Assert.ThrowsAsync<IOException>(async () => await client.SendAsync(Request));
        Assert.Equal(1, client.Opened);
    }

    [Fact]
    public async Task SendAsync_FailsTheCall_WhenNothingListens()
    {
        // A port just freed: the connect is refused, and nothing counts as opened.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var endPoint = listener.LocalEndpoint;
        listener.Stop();
        using var client = new KeepAliveClient(endPoint, Timeout);

        var refused = await Assert.ThrowsAsync<SocketException>(async () => await client.SendAsync(Request));
        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
        Assert.Equal(0, client.Opened);
    }

    [Fact]
    public async Task SendAsync_TimesOut_WhenNoAnswerComes()
    {
        await using var server = new ScriptedServer(_ => string.Empty);
        using var client = new KeepAliveClient(server.EndPoint, TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAsync<TimeoutException>(async () => await client.SendAsync(Request));
    }

    [Fact]
    public async Task SendAsync_GivesEachOfManyConcurrentCallersTheAnswerToItsOwnRequest()
    {
        // The answer's status is the request's path: an answer handed to the wrong caller shows.
        await using var server = new ScriptedServer((_, request) => $"HTTP/1.1 {request[5..8]} X\r\nContent-Length: 0\r\n\r\n");
        using var client = new KeepAliveClient(server.EndPoint, Timeout);

        var callers = Enumerable.Range(0, 64).Select(async caller =>
        {
            var status = 200 + caller;
            var request = Encoding.ASCII.GetBytes($"PUT /{status} HTTP/1.1\r\nHost: a.localhost\r\nContent-Length: 2\r\n\r\n{{}}");
            await Task.Yield();
            for (var i = 0; i < 50; i++)
            {
                Assert.Equal(status, await client.SendAsync(request));
            }
        });
        await Task.WhenAll(callers);

        Assert.Equal(64 * 50, server.Requests.Count);
        Assert.InRange(client.Opened, 1, 64);
    }

    [Fact]
    public async Task SendAsync_SendsARequestLargerThanTheSocketTakesAtOnce()
    {
        // 8 MB cannot go out in one non-blocking send: the rest goes as the socket drains.
        var body = new string('x', 8 * 1024 * 1024);
        var request = Encoding.ASCII.GetBytes($"PUT /x HTTP/1.1\r\nHost: a.localhost\r\nContent-Length: {body.Length}\r\n\r\n{body}");
        await using var server = new ScriptedServer(_ => "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
        using var client = new KeepAliveClient(server.EndPoint, Timeout);

        Assert.Equal(201, await client.SendAsync(request));
        Assert.Equal(request.Length, server.Requests.Single().Length);
    }

    /// <summary>
    /// Accepts connections on loopback and answers each whole request it reads (its body as long as its
    /// <c>Content-Length</c>) with <c>answer(n)</c> (n counts requests from 0): null closes the connection instead, an
    /// empty answer sends nothing.
    /// </summary>
    private sealed class ScriptedServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Func<int, string, string?> _answer;
        private readonly int _bytesPerWrite;
        private readonly bool _closeAfterAnswer;
        private readonly bool _stopSendingAfterAnswer;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _connections = [];
        private readonly Task _accepting;
        private int _accepted;
        private int _closed;

        public ScriptedServer(Func<int, string?> answer, int bytesPerWrite = int.MaxValue, bool closeAfterAnswer = false, bool stopSendingAfterAnswer = false)
            : this((n, _) => answer(n), bytesPerWrite, closeAfterAnswer, stopSendingAfterAnswer)
        {
        }

        /// <summary>
        /// A server whose answer may depend on the request's text too. <paramref name="stopSendingAfterAnswer"/> ends
        /// the server's side of each connection after one answer (a half-close) while it still reads.
        /// </summary>
        public ScriptedServer(Func<int, string, string?> answer, int bytesPerWrite = int.MaxValue, bool closeAfterAnswer = false, bool stopSendingAfterAnswer = false)
        {
            _answer = answer;
            _bytesPerWrite = bytesPerWrite;
            _closeAfterAnswer = closeAfterAnswer;
            _stopSendingAfterAnswer = stopSendingAfterAnswer;
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public EndPoint EndPoint => _listener.LocalEndpoint;

        public int Accepted => Volatile.Read(ref _accepted);

        public List<string> Requests { get; } = [];

        public async Task WaitForClosedAsync(int count)
        {
            while (Volatile.Read(ref _closed) < count)
            {
                await Task.Delay(10, _stop.Token);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            // The accept loop ends first, so the list of connections no longer grows while it is read.
            await _accepting;
            Task[] connections;
            lock (_connections)
            {
                connections = [.. _connections];
            }

            await Task.WhenAll(connections).ContinueWith(_ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptSocketAsync(_stop.Token);
                }
                catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                Interlocked.Increment(ref _accepted);
                lock (_connections)
                {
                    _connections.Add(ServeAsync(socket));
                }
            }
        }

        private async Task ServeAsync(Socket socket)
        {
            using (socket)
            {
                var buffer = new byte[4096];
                var filled = 0;
                while (!_stop.IsCancellationRequested)
                {
                    if (filled == buffer.Length)
                    {
                        Array.Resize(ref buffer, buffer.Length * 2);
                    }

                    var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, _stop.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    filled += read;
                    var text = Encoding.ASCII.GetString(buffer, 0, filled);
                    var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    if (headEnd < 0 || filled < headEnd + 4 + BodyLength(text[..headEnd]))
                    {
                        continue;
                    }

                    int number;
                    lock (Requests)
                    {
                        number = Requests.Count;
                        Requests.Add(text);
                    }

                    filled = 0;
                    var answer = _answer(number, text);
                    if (answer is null)
                    {
                        break;
                    }

                    var bytes = Encoding.ASCII.GetBytes(answer);
                    for (var sent = 0; sent < bytes.Length; sent += _bytesPerWrite)
                    {
                        await socket.SendAsync(bytes.AsMemory(sent, Math.Min(_bytesPerWrite, bytes.Length - sent)), SocketFlags.None, _stop.Token);
                    }

                    if (_closeAfterAnswer)
                    {
                        break;
                    }

                    if (_stopSendingAfterAnswer)
                    {
                        socket.Shutdown(SocketShutdown.Send);
                    }
                }
            }

            Interlocked.Increment(ref _closed);
        }

        /// <summary>The body length a request head announces (0 without <c>Content-Length</c>).</summary>
        private static int BodyLength(string head)
        {
            const string Field = "\r\nContent-Length: ";
            var at = head.IndexOf(Field, StringComparison.OrdinalIgnoreCase);
            if (at < 0)
            {
                return 0;
            }

            var value = head.AsSpan(at + Field.Length);
            var end = value.IndexOf("\r\n", StringComparison.Ordinal);
            return int.Parse(end < 0 ? value : value[..end], CultureInfo.InvariantCulture);
        }
    }
}
