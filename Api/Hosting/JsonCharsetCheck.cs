using System.Text;
using Microsoft.Net.Http.Headers;
using MultiStore.Api.Problems;

namespace MultiStore.Api.Hosting;

/// <summary>
/// Refuses a JSON body declared in a charset no decoder here knows (<c>application/json; charset=no-such</c>) with
/// 415 problem+json. The JSON reader looks the charset up only once the endpoint reads its body, and an unknown name
/// surfaced there as an InvalidOperationException, a 500 to a client that merely mislabelled its request. A known
/// charset other than UTF-8 is still decoded as before.
/// </summary>
public sealed class JsonCharsetMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context) =>
        HasUnknownJsonCharset(context.Request.ContentType)
            ? ApiProblem.Create(StatusCodes.Status415UnsupportedMediaType, ApiProblemCodes.UnsupportedMediaType, "Unsupported media type",
                "Send the body as application/json in UTF-8.").ExecuteAsync(context)
            : next(context);

    private static bool HasUnknownJsonCharset(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !(mediaType.MatchesMediaType("application/json") || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase))
            || mediaType.Charset.Length == 0)
        {
            return false;
        }

        try
        {
            _ = Encoding.GetEncoding(mediaType.Charset.ToString());
            return false;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }
}
