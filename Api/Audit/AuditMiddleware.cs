using System.Diagnostics;
using Microsoft.AspNetCore.Authorization;
using MultiStore.Api.Auth;
using MultiStore.Api.Hosting;
using MultiStore.Grains.Interfaces.Audit;

namespace MultiStore.Api.Audit;

/// <summary>
/// Records every request to an endpoint that needs a token (admin, owner and platform routes, reads included) once
/// its answer is known: who, which store, what, when, and how it ended, refusals included. Storefront requests are
/// not recorded. A request without a valid token (a 401, or a refusal of its host before the token was asked for) has
/// no "who" and is left to the log: recording it would let anyone fill a store's trail; a throttled one (429) did nothing, and recording it would turn a flood into writes.
/// An owner's cross-store view gets one entry in each store it read.
/// </summary>
public sealed class AuditMiddleware(RequestDelegate next, AuditRecorder recorder, TimeProvider time)
{
    /// <summary>Longest path and query an entry keeps (Kestrel accepts request lines of about 8 KB).</summary>
    public const int MaxRecordedPathLength = 512;

    public async Task InvokeAsync(HttpContext context, RequestAudit audit)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null || endpoint.Metadata.GetMetadata<IAuthorizeData>() is null)
        {
            await next(context);
            return;
        }

        var failed = false;
        try
        {
            await next(context);
        }
        catch
        {
            failed = true;
            throw;
        }
        finally
        {
            var status = failed ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            // Store resolution refuses some requests (unknown or suspended host, a malformed X-Tenant-ID) before
            // authorization asks for a token: those without one are no more recorded than a 401.
            if (context.User.Identity?.IsAuthenticated == true
                && status is not (StatusCodes.Status401Unauthorized or StatusCodes.Status429TooManyRequests))
            {
                await RecordAsync(context, audit, endpoint, status);
            }
        }
    }

    /// <summary>The caller writes the path and query: a trail keeps at most <see cref="MaxRecordedPathLength"/> characters of them.</summary>
    private static string Bounded(string path) => path.Length <= MaxRecordedPathLength ? path : string.Concat(path.AsSpan(0, MaxRecordedPathLength), "…");

    private async Task RecordAsync(HttpContext context, RequestAudit audit, Endpoint endpoint, int status)
    {
        var user = context.User;
        var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? context.Request.Path.Value ?? string.Empty;
        var action = $"{HeadRequestMiddleware.MethodAsked(context)} /{route.TrimStart('/')}";
        var path = Bounded($"{context.Request.Path}{context.Request.QueryString}");
        var traceId = Activity.Current?.Id ?? context.TraceIdentifier;
        var now = time.GetUtcNow();

        if (audit.CrossStoreReads.Count > 0)
        {
            foreach (var store in audit.CrossStoreReads)
            {
                var record = new AuditRecord(now, user.ActorName(), user.StandingIn(store), $"cross-store read {action}", path, AuditOutcomes.For(status), status, AuditVia.CrossStore, traceId);
                await recorder.RecordAsync(store, record);
            }

            return;
        }

        var entry = new AuditRecord(now, user.ActorName(), user.StandingIn(audit.Store), action, path, AuditOutcomes.For(status), status, audit.Store is null ? AuditVia.Platform : audit.Via, traceId);
        await recorder.RecordAsync(audit.Store, entry);
    }
}
