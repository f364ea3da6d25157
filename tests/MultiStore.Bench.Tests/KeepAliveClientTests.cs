using System.Net;
using System.Net.Sockets;
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
    public async Task SendAsync_TimesOut_WhenNoAnswerComes()
    {
        await using var server = new ScriptedServer(_ => string.Empty);
        using var client = new KeepAliveClient(server.EndPoint, TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAsync<TimeoutException>(async () => await client.SendAsync(Request));
    }

    /// <summary>
    /// Accepts connections on loopback and answers each whole request it reads with <c>answer(n)</c> (n counts requests
    /// from 0): null closes the connection instead, an empty answer sends nothing.
    /// </summary>
    private sealed class ScriptedServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Func<int, string?> _answer;
        private readonly int _bytesPerWrite;
        private readonly bool _closeAfterAnswer;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _connections = [];
        private readonly Task _accepting;
        private int _accepted;
        private int _closed;

        public ScriptedServer(Func<int, string?> answer, int bytesPerWrite = int.MaxValue, bool closeAfterAnswer = false)
        {
            _answer = answer;
            _bytesPerWrite = bytesPerWrite;
            _closeAfterAnswer = closeAfterAnswer;
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
                    var read = await socket.ReceiveAsync(buffer.AsMemory(filled), SocketFlags.None, _stop.Token);
                    if (read == 0)
                    {
                        break;
                    }

                    filled += read;
                    var text = Encoding.ASCII.GetString(buffer, 0, filled);
                    var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                    if (headEnd < 0 || filled < headEnd + 4 + RequestBodyLength)
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
                    var answer = _answer(number);
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
                }
            }

            Interlocked.Increment(ref _closed);
        }
    }
}
