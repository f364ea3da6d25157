using FastEndpoints;
using MultiStore.Api.Auth;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Features.Platform.ListTenants;

/// <summary>
/// GET /platform/tenants?limit=&amp;after=: the stores ordered by id. Asked with <c>limit</c> or <c>after</c>, one page:
/// the body is the page's array, and when more stores follow an RFC 8288 <c>Link: &lt;…&gt;; rel="next"</c> header
/// names the next page. Asked with neither, every store, as the route answered before it had pages (tools rely on it);
/// the Api still reads them from the directory a page at a time.
/// </summary>
public sealed class Endpoint(PlatformGrains platform) : Endpoint<Request, IReadOnlyList<TenantResponse>>
{
    /// <summary>Stores per page when a request names a cursor (<c>after</c>) but no limit.</summary>
    public const int DefaultLimit = 100;

    public override void Configure()
    {
        Get("/platform/tenants");
        Roles(PlatformRoles.Operator);
        Description(endpoint => endpoint.WithTags("Platform").WithSummary("List the stores, a page at a time"));
    }

    public override async Task HandleAsync(Request req, CancellationToken ct)
    {
        if (req is { Limit: null, After: null })
        {
            await Send.OkAsync([.. (await platform.ListAllAsync(User.ActorName(), ct)).Select(TenantResponse.From)], ct);
            return;
        }

        var limit = req.Limit ?? DefaultLimit;
        var page = await platform.ListPageAsync(req.After, limit, User.ActorName());
        if (page.Next is { } next)
        {
            HttpContext.Response.Headers.Link = $"<{HttpContext.Request.PathBase}/platform/tenants?limit={limit}&after={Uri.EscapeDataString(next)}>; rel=\"next\"";
        }

        await Send.OkAsync([.. page.Stores.Select(TenantResponse.From)], ct);
    }
}
