using System.Buffers.Binary;
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace MultiStore.Bench.Http;

/// <summary>
/// Linux's epoll, called directly: .NET has no public API that waits on many sockets from one thread of one's own.
/// Events are read from and written to byte buffers, so no unsafe code is needed: <c>struct epoll_event</c> is a
/// 32-bit event mask followed by 64 bits of user data, packed into 12 bytes on x86-64 and aligned to 16 elsewhere.
/// </summary>
internal sealed class Epoll : IDisposable
{
    public const uint Readable = 0x001;
    public const uint Writable = 0x004;
    public const uint Error = 0x008;
    public const uint HangUp = 0x010;
    public const uint PeerClosed = 0x2000;
    public const uint EdgeTriggered = 1u << 31;

    private const int CloseOnExec = 0x80000;
    private const int Add = 1;
    private const int Delete = 2;
    private const int Interrupted = 4;

    /// <summary>Bytes of one <c>struct epoll_event</c> on this machine.</summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    private static readonly int DataOffset = EventSize == 12 ? 4 : 8;

    private readonly int _fd;
    private int _closed;

    public Epoll()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The bench's HTTP load client waits on sockets with Linux's epoll.");
        }

        _fd = epoll_create1(CloseOnExec);
        if (_fd < 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "epoll_create1 failed.");
        }
    }

    /// <summary>Watches <paramref name="socket"/> for <paramref name="events"/>; each event carries <paramref name="data"/>.</summary>
    public void Watch(SafeHandle socket, uint events, long data)
    {
        var entry = new byte[EventSize];
        BinaryPrimitives.WriteUInt32LittleEndian(entry, events);
        BinaryPrimitives.WriteInt64LittleEndian(entry.AsSpan(DataOffset), data);
        if (epoll_ctl(_fd, Add, (int)socket.DangerousGetHandle(), entry) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "epoll_ctl(ADD) failed.");
        }
    }

    /// <summary>Stops watching a socket that is still open (closing it stops the watch too).</summary>
    public void Forget(SafeHandle socket) => _ = epoll_ctl(_fd, Delete, (int)socket.DangerousGetHandle(), new byte[EventSize]);

    /// <summary>
    /// Waits up to <paramref name="timeoutMilliseconds"/> for events and writes them to <paramref name="events"/>
    /// (<see cref="EventSize"/> bytes each); answers how many came.
    /// </summary>
    public int Wait(byte[] events, int timeoutMilliseconds)
    {
        var count = epoll_wait(_fd, events, events.Length / EventSize, timeoutMilliseconds);
        if (count >= 0)
        {
            return count;
        }

        var error = Marshal.GetLastPInvokeError();
        return error == Interrupted ? 0 : throw new Win32Exception(error, "epoll_wait failed.");
    }

    public static uint EventsAt(byte[] events, int index) => BinaryPrimitives.ReadUInt32LittleEndian(events.AsSpan(index * EventSize));

    public static long DataAt(byte[] events, int index) => BinaryPrimitives.ReadInt64LittleEndian(events.AsSpan((index * EventSize) + DataOffset));

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            _ = close(_fd);
        }
    }

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code enabled for these blittable calls.
    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_create1(int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_ctl(int epfd, int op, int fd, byte[] evt);

    [DllImport("libc", SetLastError = true)]
    private static extern int epoll_wait(int epfd, [Out] byte[] events, int maxevents, int timeout);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);
#pragma warning restore SYSLIB1054
}
