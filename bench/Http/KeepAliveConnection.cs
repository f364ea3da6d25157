using System.Net;
using System.Net.Sockets;

namespace MultiStore.Bench.Http;

/// <summary>
/// One keep-alive HTTP/1.1 connection, used for one request at a time: the request goes out in one send, and the
/// response is read until <see cref="ResponseFraming"/> finds its end.
/// </summary>
internal sealed class KeepAliveConnection : IDisposable
{
    private const int FirstBufferBytes = 4 * 1024;
    private const int MaxResponseBytes = 1024 * 1024;

    private readonly Socket _socket;
    private readonly CancellationTokenSource _timeout = new();
    private readonly TimeSpan _timeoutAfter;
    private byte[] _buffer = new byte[FirstBufferBytes];
    private int _answered;

    private KeepAliveConnection(Socket socket, TimeSpan timeout)
    {
        _socket = socket;
        _timeoutAfter = timeout;
    }

    /// <summary>False once the server said it closes the connection, or once an exchange failed.</summary>
    public bool IsOpen { get; private set; } = true;

    public static async Task<KeepAliveConnection> OpenAsync(EndPoint server, TimeSpan timeout)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var connectTimeout = new CancellationTokenSource(timeout);
            await socket.ConnectAsync(server, connectTimeout.Token);
            return new KeepAliveConnection(socket, timeout);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> and reads the whole response; answers its status code. Throws
    /// <see cref="StaleConnectionException"/> when a connection that had answered before was closed by the server
    /// before any byte of this answer (an idle keep-alive connection the server let go).
    /// </summary>
    public async ValueTask<int> ExchangeAsync(ReadOnlyMemory<byte> request)
    {
        IsOpen = false;
        _timeout.CancelAfter(_timeoutAfter);
        var filled = 0;
        try
        {
            await _socket.SendAsync(request, SocketFlags.None, _timeout.Token);
            while (true)
            {
                var read = await _socket.ReceiveAsync(_buffer.AsMemory(filled), SocketFlags.None, _timeout.Token);
                if (read == 0)
                {
                    throw filled == 0 && _answered > 0
                        ? new StaleConnectionException()
                        : new IOException("The server closed the connection in the middle of a response.");
                }

                filled += read;
                if (ResponseFraming.TryRead(_buffer.AsSpan(0, filled), out var frame))
                {
                    if (frame.Length != filled)
                    {
                        throw new InvalidDataException("The server sent more than the response to the one request asked.");
                    }

                    _answered++;
                    IsOpen = frame.KeepAlive && _timeout.TryReset();
                    return frame.StatusCode;
                }

                if (filled == _buffer.Length)
                {
                    Array.Resize(ref _buffer, filled < MaxResponseBytes ? filled * 2 : throw new InvalidDataException($"A response of more than {MaxResponseBytes} bytes."));
                }
            }
        }
        catch (SocketException exception) when (filled == 0 && _answered > 0 && exception.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown)
        {
            throw new StaleConnectionException();
        }
        catch (OperationCanceledException) when (_timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"No whole response within {_timeoutAfter.TotalSeconds:0} s.");
        }
    }

    public void Dispose()
    {
        IsOpen = false;
        _socket.Dispose();
        _timeout.Dispose();
    }
}

/// <summary>A pooled connection turned out closed by the server before it answered: the request may go again on a new one.</summary>
internal sealed class StaleConnectionException() : IOException("The server had closed the idle connection.");
