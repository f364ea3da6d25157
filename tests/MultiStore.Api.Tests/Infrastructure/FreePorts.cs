using System.Net;
using System.Net.Sockets;

namespace MultiStore.Api.Tests.Infrastructure;

/// <summary>Picks TCP ports nobody listens on, so each test host's embedded silo gets its own.</summary>
public static class FreePorts
{
    public static (int First, int Second) Pair()
    {
        using var first = Listen();
        using var second = Listen();
        return (((IPEndPoint)first.LocalEndpoint).Port, ((IPEndPoint)second.LocalEndpoint).Port);
    }

    private static DisposableListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return new DisposableListener(listener);
    }

    private sealed class DisposableListener(TcpListener listener) : IDisposable
    {
        public EndPoint LocalEndpoint => listener.LocalEndpoint;

        public void Dispose() => listener.Stop();
    }
}
