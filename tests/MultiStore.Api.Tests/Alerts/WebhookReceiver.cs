using System.Collections.Concurrent;
using System.Net;

namespace MultiStore.Api.Tests.Alerts;

/// <summary>
/// A webhook receiver on 127.0.0.1: records every request (headers and body) and answers each with the next status
/// of its script (then 200 for ever). Held, it records what arrives and answers nothing until released.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<HttpStatusCode> _script;
    private readonly Task _loop;

    public WebhookReceiver(params HttpStatusCode[] script)
    {
        _script = new ConcurrentQueue<HttpStatusCode>(script);
        var port = FreePorts.Pair().First;
        Url = $"http://127.0.0.1:{port}/hooks/multistore/";
        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _held;

    public string Url { get; }

    /// <summary>From now on, a receiver that takes requests and does not answer them, until <see cref="Release"/>.</summary>
    public void Hold() => _held = true;

    public void Release() => _released.TrySetResult();

    public ConcurrentQueue<Received> Requests { get; } = new();

    public async ValueTask DisposeAsync()
    {
        Release();
        _listener.Stop();
        _listener.Close();
        await _loop;
    }

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (!_listener.IsListening)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.AllKeys.Where(key => key is not null).ToDictionary(key => key!, key => context.Request.Headers[key]!, StringComparer.OrdinalIgnoreCase);
            Requests.Enqueue(new Received(context.Request.HttpMethod, context.Request.ContentType, headers, body, DateTimeOffset.UtcNow));
            if (_held)
            {
                await _released.Task;
                if (!_listener.IsListening)
                {
                    // Released by disposal: the connection is gone with the listener.
                    return;
                }
            }

            context.Response.StatusCode = (int)(_script.TryDequeue(out var status) ? status : HttpStatusCode.OK);
            context.Response.Close();
        }
    }

    public sealed record Received(string Method, string? ContentType, IReadOnlyDictionary<string, string> Headers, string Body, DateTimeOffset At);
}
