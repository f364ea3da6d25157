using System.Collections.Concurrent;
using System.Net;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// Stands in for every store's webhook receiver: answers each delivery 200 and counts it, and can keep the next one
/// waiting for the test's release, so a test knows the delivery tick is out of the grain's turn, waiting on the network.
/// </summary>
public sealed class WebhookProbe
{
    private readonly Lock _lock = new();
    private HeldStep? _next;
    private Exception? _throwNext;
    private readonly ConcurrentDictionary<string, int> _receivedAt = new(StringComparer.Ordinal);
    private int _received;

    public int Received => Volatile.Read(ref _received);

    /// <summary>The deliveries made to one webhook URL: a test that shares the probe counts only its own store's.</summary>
    public int ReceivedAt(string url) => _receivedAt.GetValueOrDefault(new Uri(url).AbsoluteUri);

    /// <summary>The next delivery waits until released, then is answered 200.</summary>
    public HeldStep HoldNext()
    {
        var held = new HeldStep();
        lock (_lock)
        {
            _next = held;
        }

        return held;
    }

    /// <summary>The next delivery fails with <paramref name="failure"/> instead of being answered, as a broken handler would.</summary>
    public void ThrowNext(Exception failure)
    {
        lock (_lock)
        {
            _throwNext = failure;
        }
    }

    /// <summary>A primary handler for the webhook client; the factory may dispose it, the probe lives on.</summary>
    public HttpMessageHandler NewHandler() => new Handler(this);

    private async Task<HttpResponseMessage> ReceiveAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _received);
        _receivedAt.AddOrUpdate(request.RequestUri!.AbsoluteUri, 1, (_, count) => count + 1);
        HeldStep? held;
        Exception? failure;
        lock (_lock)
        {
            (held, _next) = (_next, null);
            (failure, _throwNext) = (_throwNext, null);
        }

        if (failure is not null)
        {
            throw failure;
        }

        if (held is not null)
        {
            await held.ReachedAndWaitAsync().WaitAsync(cancellationToken);
        }

        return new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request };
    }

    private sealed class Handler(WebhookProbe probe) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            probe.ReceiveAsync(request, cancellationToken);
    }
}
