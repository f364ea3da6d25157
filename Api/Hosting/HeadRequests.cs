using Microsoft.AspNetCore.Http.Features;

namespace MultiStore.Api.Hosting;

/// <summary>
/// Answers HEAD as the GET of the same URL without its body (RFC 9110 §9.3.2: every general-purpose server supports
/// both): crawlers and link checkers ask <c>HEAD /robots.txt</c> or a product page, and routes are mapped for GET
/// only, so HEAD was a 405. The request runs as its GET, through the same store resolution, limits and checks, with
/// the body counted and dropped; the answer keeps the GET's status and headers, and its length as Content-Length.
/// </summary>
public sealed class HeadRequestMiddleware(RequestDelegate next)
{
    private static readonly object AskedAsHead = new();

    /// <summary>
    /// The method the client sent: HEAD for a HEAD run as its GET, whose request says GET while it runs. What records
    /// the client's action (the audit trail, the logs of a refused token or store switch) names this one: a HEAD returned no body, so it must not read as a GET.
    /// </summary>
    public static string MethodAsked(HttpContext context) =>
        context.Items.ContainsKey(AskedAsHead) ? HttpMethods.Head : context.Request.Method;

    /// <summary>
    /// Adds HEAD to a 405's <c>Allow</c> where it lists GET (routing names only the mapped methods): every GET route
    /// answers HEAD too, and a client reads Allow to learn which methods it may send.
    /// </summary>
    public static void AdvertiseHead(HttpResponse response)
    {
        var allowed = response.Headers.Allow.ToString();
        var methods = allowed.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (response.StatusCode == StatusCodes.Status405MethodNotAllowed
            && methods.Contains(HttpMethods.Get, StringComparer.OrdinalIgnoreCase)
            && !methods.Contains(HttpMethods.Head, StringComparer.OrdinalIgnoreCase))
        {
            response.Headers.Allow = $"{allowed}, {HttpMethods.Head}";
        }
    }

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await next(context);
            return;
        }

        context.Items[AskedAsHead] = true;

        var (serverBody, serverResponse) = (context.Features.GetRequiredFeature<IHttpResponseBodyFeature>(), context.Features.GetRequiredFeature<IHttpResponseFeature>());
        var dropped = new CountingNullStream();
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(dropped, serverBody));
        context.Features.Set<IHttpResponseFeature>(new StartedOnWrite(serverResponse, dropped));
        context.Request.Method = HttpMethods.Get;
        try
        {
            await next(context);
        }
        finally
        {
            // The server sends the headers once this returns, and must see the HEAD it was asked for.
            context.Request.Method = HttpMethods.Head;
            context.Features.Set(serverBody);
            context.Features.Set(serverResponse);
        }

        if (!context.Response.HasStarted && context.Response.ContentLength is null && !context.Response.Headers.ContainsKey("Transfer-Encoding"))
        {
            context.Response.ContentLength = dropped.Length;
        }
    }

    /// <summary>
    /// The server's response as the GET would see it: started once the body is written to, though the server sends
    /// nothing until the HEAD is over. An endpoint that writes its body itself (the CSV export) is then not taken for
    /// one that answered nothing (FastEndpoints would send a 204), and an error after the first bytes is not turned into
    /// a problem, as for the GET.
    /// </summary>
    private sealed class StartedOnWrite(IHttpResponseFeature server, CountingNullStream body) : IHttpResponseFeature
    {
        public int StatusCode
        {
            get => server.StatusCode;
            set => server.StatusCode = value;
        }

        public string? ReasonPhrase
        {
            get => server.ReasonPhrase;
            set => server.ReasonPhrase = value;
        }

        public IHeaderDictionary Headers
        {
            get => server.Headers;
            set => server.Headers = value;
        }

        [Obsolete("The body is IHttpResponseBodyFeature's, as in the framework's own feature.")]
        public Stream Body
        {
            get => body;
            set => throw new NotSupportedException();
        }

        public bool HasStarted => server.HasStarted || body.Written;

        public void OnStarting(Func<object, Task> callback, object state) => server.OnStarting(callback, state);

        public void OnCompleted(Func<object, Task> callback, object state) => server.OnCompleted(callback, state);
    }

    /// <summary>A write-only stream that keeps nothing but how many bytes it was given.</summary>
    private sealed class CountingNullStream : Stream
    {
        private long _length;

        /// <summary>Whether anything was written or flushed, which starts a GET's response.</summary>
        public bool Written { get; private set; }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _length;

        public override long Position
        {
            get => _length;
            set => throw new NotSupportedException();
        }

        public override void Write(byte[] buffer, int offset, int count) => Count(count);

        public override void Write(ReadOnlySpan<byte> buffer) => Count(buffer.Length);

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Count(count);
            return Task.CompletedTask;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Count(buffer.Length);
            return ValueTask.CompletedTask;
        }

        public override void Flush() => Written = true;

        public override Task FlushAsync(CancellationToken cancellationToken)
        {
            Written = true;
            return Task.CompletedTask;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private void Count(int bytes)
        {
            _length += bytes;
            Written = true;
        }
    }
}
