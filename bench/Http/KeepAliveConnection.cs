using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Threading.Tasks.Sources;

namespace MultiStore.Bench.Http;

/// <summary>
/// One keep-alive HTTP/1.1 connection, used for one request at a time: the request goes out in one send, and the
/// response is read until <see cref="ResponseFraming"/> finds its end. The socket is non-blocking and watched by a
/// <see cref="SocketEventLoop"/>, which reads the answer and completes the exchange on its own thread; whatever the
/// caller does next runs there too, inline.
/// </summary>
internal sealed class KeepAliveConnection : IValueTaskSource<int>, IDisposable
{
    private const int FirstBufferBytes = 4 * 1024;
    private const int MaxResponseBytes = 1024 * 1024;

    private readonly Socket _socket;
    private readonly SocketEventLoop _loop;
    private readonly long _timeoutTicks;
    private readonly TimeSpan _timeoutAfter;
    private readonly Lock _gate = new();
    private ManualResetValueTaskSourceCore<int> _exchange;
    private byte[] _buffer = new byte[FirstBufferBytes];
    private ReadOnlyMemory<byte> _unsent;
    private int _filled;
    private int _answered;
    private long _deadline;
    private bool _waiting;
    private bool _stirredWhileIdle;
    private bool _peerStopped;

    private KeepAliveConnection(Socket socket, SocketEventLoop loop, TimeSpan timeout)
    {
        _socket = socket;
        _loop = loop;
        _timeoutAfter = timeout;
        _timeoutTicks = (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        // Answers complete on the loop's thread and run the caller's continuation right there.
        _exchange.RunContinuationsAsynchronously = false;
    }

    /// <summary>False once the server said it closes the connection, or once an exchange failed.</summary>
    public bool IsOpen { get; private set; } = true;

    /// <summary>The socket, for the loop's epoll registration.</summary>
    public SafeHandle Handle => _socket.SafeHandle;

    /// <summary>The loop's name for this connection (the data its epoll events carry).</summary>
    public long LoopId { get; set; }

    /// <summary>
    /// Connects to <paramref name="server"/> (waiting at most <paramref name="timeout"/>) and hands the connection to
    /// <paramref name="loop"/>. The connect is made with plain system calls, so the runtime's own socket engine never
    /// watches this socket as well: each of its wake-ups would be a wasted one.
    /// </summary>
    public static KeepAliveConnection Open(EndPoint server, SocketEventLoop loop, TimeSpan timeout)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, Blocking = false };
        try
        {
            Connect(socket, server, timeout);
            var connection = new KeepAliveConnection(socket, loop, timeout);
            loop.Add(connection);
            return connection;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static void Connect(Socket socket, EndPoint server, TimeSpan timeout)
    {
        try
        {
            socket.Connect(server);
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            if (!socket.Poll(timeout, SelectMode.SelectWrite))
            {
                throw new TimeoutException($"No connection within {timeout.TotalSeconds:0.#} s.");
            }

            var error = (SocketError)(int)socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="request"/> and reads the whole response; answers its status code. Throws
    /// <see cref="StaleConnectionException"/> when a connection that had answered before was closed by the server
    /// before any byte of this answer (an idle keep-alive connection the server let go). The request's bytes must
    /// stay as they are until the exchange completes.
    /// </summary>
    public ValueTask<int> ExchangeAsync(ReadOnlyMemory<byte> request)
    {
        Completion completion;
        short token;
        lock (_gate)
        {
            IsOpen = false;
            _exchange.Reset();
            token = _exchange.Version;
            _waiting = true;
            _unsent = request;
            _filled = 0;
            _deadline = Stopwatch.GetTimestamp() + _timeoutTicks;
            // The answer's arrival is an edge the loop sees, unless something (data, a close) came while the connection
            // sat idle: then the socket is read at once, or its edge would be gone.
            var readNow = _stirredWhileIdle;
            _stirredWhileIdle = false;
            _peerStopped = false;
            completion = Advance(readNow);
        }

        completion.Apply(ref _exchange);
        return new ValueTask<int>(this, token);
    }

    /// <summary>The loop saw <paramref name="events"/> on the socket.</summary>
    public void OnReady(uint events)
    {
        Completion completion;
        lock (_gate)
        {
            if (!_waiting)
            {
                _stirredWhileIdle = true;
                return;
            }

            _peerStopped = (events & (Epoll.PeerClosed | Epoll.HangUp | Epoll.Error)) != 0;
            completion = Advance(read: true);
        }

        completion.Apply(ref _exchange);
    }

    /// <summary>Fails the exchange in progress if its deadline (a <see cref="Stopwatch"/> timestamp) has passed.</summary>
    public void FailIfLate(long now)
    {
        Completion completion;
        lock (_gate)
        {
            if (!_waiting || now < _deadline)
            {
                return;
            }

            completion = Finish(Completion.Failed(new TimeoutException($"No whole response within {_timeoutAfter.TotalSeconds:0.#} s.")));
        }

        completion.Apply(ref _exchange);
    }

    int IValueTaskSource<int>.GetResult(short token) => _exchange.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<int>.GetStatus(short token) => _exchange.GetStatus(token);

    void IValueTaskSource<int>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _exchange.OnCompleted(continuation, state, token, flags);

    public void Dispose()
    {
        lock (_gate)
        {
            IsOpen = false;
            _waiting = false;
        }

        _loop.Remove(this);
        _socket.Dispose();
    }

    /// <summary>Sends what is left of the request, then reads what has come (the caller holds the gate).</summary>
    private Completion Advance(bool read)
    {
        try
        {
            while (_unsent.Length > 0)
            {
                var sent = _socket.Send(_unsent.Span, SocketFlags.None, out var error);
                if (error == SocketError.WouldBlock)
                {
                    // The loop's next "writable" edge sends the rest.
                    return Completion.Pending;
                }

                ThrowIfFailed(error);
                _unsent = _unsent[sent..];
            }

            return read ? Receive() : Completion.Pending;
        }
        catch (Exception exception)
        {
            return Finish(Completion.Failed(exception));
        }
    }

    /// <summary>Reads until the socket has nothing more or the answer is whole.</summary>
    private Completion Receive()
    {
        while (true)
        {
            var read = _socket.Receive(_buffer.AsSpan(_filled), SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                return Completion.Pending;
            }

            ThrowIfFailed(error);
            if (read == 0)
            {
                throw _filled == 0 && _answered > 0
                    ? new StaleConnectionException()
                    : new IOException("The server closed the connection in the middle of a response.");
            }

            _filled += read;
            if (ResponseFraming.TryRead(_buffer.AsSpan(0, _filled), out var frame))
            {
                if (frame.Length != _filled)
                {
                    throw new InvalidDataException("The server sent more than the response to the one request asked.");
                }

                _answered++;
                // An end of stream that came with the answer leaves no edge behind it: the connection is not kept.
                IsOpen = frame.KeepAlive && !_peerStopped;
                return Finish(Completion.Succeeded(frame.StatusCode));
            }

            if (_filled == _buffer.Length)
            {
                Array.Resize(ref _buffer, _filled < MaxResponseBytes ? _filled * 2 : throw new InvalidDataException($"A response of more than {MaxResponseBytes} bytes."));
            }
        }
    }

    private void ThrowIfFailed(SocketError error)
    {
        if (error == SocketError.Success)
        {
            return;
        }

        throw _filled == 0 && _answered > 0 && error is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Shutdown
            ? new StaleConnectionException()
            : new SocketException((int)error);
    }

    private Completion Finish(Completion completion)
    {
        _waiting = false;
        _unsent = default;
        return completion;
    }

    /// <summary>How an exchange ended, applied once the gate is released (the caller's continuation may run inline).</summary>
    private readonly record struct Completion(bool IsDone, int StatusCode, Exception? Failure)
    {
        public static Completion Pending => default;

        public static Completion Succeeded(int statusCode) => new(true, statusCode, null);

        public static Completion Failed(Exception failure) => new(true, 0, failure);

        public void Apply(ref ManualResetValueTaskSourceCore<int> exchange)
        {
            if (!IsDone)
            {
                return;
            }

            if (Failure is null)
            {
                exchange.SetResult(StatusCode);
            }
            else
            {
                exchange.SetException(Failure);
            }
        }
    }
}

/// <summary>A pooled connection turned out closed by the server before it answered: the request may go again on a new one.</summary>
internal sealed class StaleConnectionException() : IOException("The server had closed the idle connection.");
