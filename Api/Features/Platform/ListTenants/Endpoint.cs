using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Platform.ListTenants;

/// <summary>
/// GET /platform/tenants?limit=&amp;after=: the stores ordered by id, a page at a time. The body is the page's array;
/// when more stores follow, an RFC 8288 <c>Link: &lt;…&gt;; rel="next"</c> header names the next page.
/// </summary>
public sealed class Endpoint(PlatformGrains platform) : Endpoint<Request, IReadOnlyList<TenantResponse>>
{
    /// <summary>Stores per page when the request names no limit: a listing never reads every store unasked.</summary>
    public const int DefaultLimit = 100;

    public override void Configure()
    {
        Get("/platform/tenants");
        Roles(PlatformRoles.Operator);
        Description(endpoint => endpoint.WithTags("Platform").WithSummary("List the stores, a page at a time"));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        var limit = req.Limit ?? DefaultLimit;
        var page = await platform.ListPageAsync(req.After, limit, User.ActorName());
        if (page.Next is { } next)
        {
            HttpContext.Response.Headers.Link = $"<{HttpContext.Request.PathBase}/platform/tenants?limit={limit}&after={Uri.EscapeDataString(next)}>; rel=\"next\"";
        }

        await Send.OkAsync([.. page.Stores.Select(TenantResponse.From)], ct);
    }
}
