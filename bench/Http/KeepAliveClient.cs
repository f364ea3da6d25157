using System.Collections.Concurrent;
using System.Net;

namespace MultiStore.Bench.Http;

/// <summary>
/// The load generator's HTTP/1.1 client: keep-alive connections to one server, one request at a time on each (no
/// pipelining), pooled, so that C concurrent shoppers hold at most C connections, as a browser per shopper would.
/// <para>
/// It exists because the generator shares the machine's two cores with what it measures. <c>HttpClient</c> spent
/// 23-40 µs of CPU on each storefront request (12-14 % of the whole request, bench <c>http</c> target, C=256): request
/// and response objects, header collections, URI parsing. This client writes bytes the caller prepared, reads no
/// more of the answer than its status and framing, and waits on all its connections from one thread of its own
/// (<see cref="SocketEventLoop"/>).
/// </para>
/// Requests must be idempotent: one whose pooled connection turns out closed by the server before answering is sent
/// again on another connection (as <c>HttpClient</c> does).
/// </summary>
internal sealed class KeepAliveClient(EndPoint server, TimeSpan timeout) : IDisposable
{
    private readonly ConcurrentStack<KeepAliveConnection> _idle = new();
    private readonly SocketEventLoop _loop = new();
    private int _opened;

    /// <summary>Connections opened so far (tests check reuse with it).</summary>
    public int Opened => _opened;

    /// <summary>
    /// Sends one whole request (request line, header fields, body) and answers the response's status code. The
    /// request's bytes must stay as they are until the answer comes.
    /// </summary>
    public async ValueTask<int> SendAsync(ReadOnlyMemory<byte> request)
    {
        while (true)
        {
            var pooled = _idle.TryPop(out var connection);
            connection ??= Open();
            try
            {
                var statusCode = await connection.ExchangeAsync(request);
                Release(connection);
                return statusCode;
            }
            catch (StaleConnectionException) when (pooled)
            {
                connection.Dispose();
            }
            catch
            {
                connection.Dispose();
                throw;
            }
        }
    }

    public void Dispose()
    {
        while (_idle.TryPop(out var connection))
        {
            connection.Dispose();
        }

        _loop.Dispose();
    }

    private KeepAliveConnection Open()
    {
        var connection = KeepAliveConnection.Open(server, _loop, timeout);
        Interlocked.Increment(ref _opened);
        return connection;
    }

    private void Release(KeepAliveConnection connection)
    {
        if (connection.IsOpen)
        {
            _idle.Push(connection);
        }
        else
        {
            connection.Dispose();
        }
    }
}
