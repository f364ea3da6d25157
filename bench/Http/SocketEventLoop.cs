using System.Collections.Concurrent;
using System.Diagnostics;

namespace MultiStore.Bench.Http;

/// <summary>
/// One thread that waits on every connection of a <see cref="KeepAliveClient"/> at once (epoll, edge-triggered) and
/// hands each ready connection its bytes. A shopper's next request is written from that same thread, inline, as its
/// answer completes: no thread-pool hop, no wake-up of another thread per answer.
/// <para>
/// With the sockets' own async calls the generator took 20-26 µs of CPU per storefront request (bench <c>http</c>,
/// C=256): the runtime's socket engine wakes a pool thread for each answer. On this loop it takes 14-19 µs, alternating
/// the two in the same hour; most of what is left is the kernel's work for the sends and receives themselves.
/// </para>
/// It also times out exchanges: a connection waiting longer than its deadline is failed with a
/// <see cref="TimeoutException"/>.
/// </summary>
internal sealed class SocketEventLoop : IDisposable
{
    private const int MaxEventsPerWait = 256;

    /// <summary>The longest the loop waits for events, and so how often it looks for late exchanges.</summary>
    private const int WaitMilliseconds = 50;

    private readonly Epoll _epoll = new();
    private readonly ConcurrentDictionary<long, KeepAliveConnection> _connections = new();
    private readonly Thread _thread;
    private long _lastId;
    private volatile bool _stopping;

    public SocketEventLoop()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "bench http loop" };
        _thread.Start();
    }

    /// <summary>Starts watching an open connection: readable, writable and closed, edge-triggered.</summary>
    public void Add(KeepAliveConnection connection)
    {
        var id = Interlocked.Increment(ref _lastId);
        connection.LoopId = id;
        _connections[id] = connection;
        _epoll.Watch(connection.Handle, Epoll.Readable | Epoll.Writable | Epoll.PeerClosed | Epoll.EdgeTriggered, id);
    }

    /// <summary>Stops watching a connection (before its socket closes).</summary>
    public void Remove(KeepAliveConnection connection)
    {
        if (_connections.TryRemove(connection.LoopId, out _))
        {
            _epoll.Forget(connection.Handle);
        }
    }

    /// <summary>Stops the loop; its thread closes the epoll instance on its way out.</summary>
    public void Dispose()
    {
        _stopping = true;
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
    }

    private void Run()
    {
        using var epoll = _epoll;
        var events = new byte[MaxEventsPerWait * Epoll.EventSize];
        var scanEvery = Stopwatch.Frequency * WaitMilliseconds / 1000;
        var nextTimeoutScan = Stopwatch.GetTimestamp();
        while (!_stopping)
        {
            var count = epoll.Wait(events, WaitMilliseconds);
            for (var i = 0; i < count; i++)
            {
                if (_connections.TryGetValue(Epoll.DataAt(events, i), out var connection))
                {
                    connection.OnReady(Epoll.EventsAt(events, i));
                }
            }

            var now = Stopwatch.GetTimestamp();
            if (now >= nextTimeoutScan)
            {
                nextTimeoutScan = now + scanEvery;
                // Enumerated in place: the dictionary's Values would take every one of its locks for a snapshot.
                foreach (var (_, connection) in _connections)
                {
                    connection.FailIfLate(now);
                }
            }
        }
    }
}
