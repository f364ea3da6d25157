using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace MultiStore.Cluster.Tests.Hosting;

/// <summary>
/// A webhook receiver on 127.0.0.1: records every request and answers each with the next status of its script
/// (then <see cref="Otherwise"/>).
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<HttpStatusCode> _script;
    private readonly Task _loop;

    public WebhookReceiver(params HttpStatusCode[] script)
    {
        _script = new ConcurrentQueue<HttpStatusCode>(script);
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/hooks/";
        }

        _listener.Prefixes.Add(Url);
        _listener.Start();
        _loop = Task.Run(ServeAsync);
    }

    public string Url { get; }

    /// <summary>The answer once the script is used up.</summary>
    public HttpStatusCode Otherwise { get; set; } = HttpStatusCode.OK;

    public ConcurrentQueue<Received> Requests { get; } = new();

    public async ValueTask DisposeAsync()
    {
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
            catch (Exception error) when (error is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            using var reader = new StreamReader(context.Request.InputStream);
            var body = await reader.ReadToEndAsync();
            var headers = context.Request.Headers.AllKeys.OfType<string>().ToDictionary(key => key, key => context.Request.Headers[key]!, StringComparer.OrdinalIgnoreCase);
            Requests.Enqueue(new Received(headers, body));
            context.Response.StatusCode = (int)(_script.TryDequeue(out var status) ? status : Otherwise);
            context.Response.Close();
        }
    }

    public sealed record Received(IReadOnlyDictionary<string, string> Headers, string Body);
}
