using Microsoft.AspNetCore.Authorization;
using MultiStore.Api.Audit;
using MultiStore.Api.Auth;
using MultiStore.Api.Hosting;
using MultiStore.Api.Problems;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Tenancy;

/// <summary>
/// Decides, once per request and before any endpoint runs, which store the request acts for, and fails closed.
/// <list type="bullet">
/// <item>Storefront endpoints (those that allow anonymous callers: <c>/api/*</c>, <c>/robots.txt</c>, <c>/sitemap.xml</c>):
/// the Host header alone, always; an <c>X-Tenant-ID</c> header is ignored. They act as the anonymous shopper with the
/// shopper scope only, whatever token comes along.</item>
/// <item>Every other store endpoint (the admin routes): the Host header by default. A caller who runs several stores
/// may name another one in <c>X-Tenant-ID</c>; it is honoured only when the token holds a role in that store, and
/// refused with 403 (and a warning in the log) otherwise. They act with the permissions of the caller's roles in the
/// chosen store.</item>
/// </list>
/// An unknown store answers 404 and a suspended one 403, both as problems, except on the few routes, storefront or
/// admin alike, marked <see cref="ServesSuspendedStore"/> (reading or closing an order already placed). The chosen
/// store fills <see cref="RequestTenant"/> and goes, with the caller's permissions, into Orleans'
/// <c>RequestContext</c>, where the silo checks both again. Platform, OpenAPI, health and the owner's cross-store
/// paths have no store.
/// </summary>
public sealed partial class TenantResolutionMiddleware(
    RequestDelegate next,
    HostTenantResolver resolver,
    UnknownHostBudget unknownHosts,
    ILogger<TenantResolutionMiddleware> logger)
{
    /// <summary>The header that switches an admin request to another store the caller holds a role in.</summary>
    public const string TenantHeader = "X-Tenant-ID";

    private static readonly PathString[] UnscopedPaths = ["/platform", "/openapi", "/health", "/admin/stores"];

    public static bool IsStoreScoped(PathString path) =>
        !UnscopedPaths.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase));

    /// <summary>The shoppers' part of a store: endpoints anyone may call. Found by Host only, served with the shopper scope.</summary>
    public static bool IsStorefront(Endpoint? endpoint) => endpoint?.Metadata.GetMetadata<IAllowAnonymous>() is not null;

    public async Task InvokeAsync(HttpContext context, RequestTenant requestTenant, RequestAudit audit)
    {
        if (!IsStoreScoped(context.Request.Path))
        {
            await next(context);
            return;
        }

        var storefront = IsStorefront(context.GetEndpoint());
        TenantResolution resolution;
        if (storefront || !context.Request.Headers.TryGetValue(TenantHeader, out var switchTo))
        {
            var host = context.Request.Headers.Host.ToString();
            if (!resolver.NamedAStoreLately(host) && unknownHosts.Exhausted(context) is { } refused)
            {
                using (refused)
                {
                    await RateLimitingExtensions.TooManyAsync(context, refused);
                }

                return;
            }

            resolution = await resolver.ResolveAsync(host);
            if (resolution.Status != TenantResolutionStatus.Unknown)
            {
                audit.Target(resolution.Tenant, AuditVia.Host);
            }
            else
            {
                unknownHosts.Charge(context);
            }
        }
        else if (await RefuseSwitchAsync(context, switchTo, audit) is { } switched)
        {
            resolution = switched;
        }
        else
        {
            return;
        }

        switch (resolution.Status)
        {
            case TenantResolutionStatus.Active:
                break;
            case TenantResolutionStatus.Suspended when ServesSuspendedStore.Allows(context.GetEndpoint()):
                break;
            case TenantResolutionStatus.Suspended:
                await ApiProblem.Create(StatusCodes.Status403Forbidden, ApiProblemCodes.StoreSuspended, "Store suspended", "This store is currently suspended.")
                    .ExecuteAsync(context);
                return;
            default:
                await ApiProblem.Create(StatusCodes.Status404NotFound, ApiProblemCodes.StoreNotFound, "Store not found", "No store is served at this host.")
                    .ExecuteAsync(context);
                return;
        }

        requestTenant.Set(resolution.Tenant);
        // A storefront request acts as the anonymous shopper even when a token comes along: the token may be another
        // store's staff browsing this one, and their user id must not land in this store's records (its stock ledger).
        var actor = storefront ? Actors.Anonymous : context.User.ActorName();
        IReadOnlyList<string> permissions = storefront ? [StorePermission.Shop] : context.User.PermissionsIn(resolution.Tenant);
        using (TenantContext.ForCaller(resolution.Tenant, actor, permissions))
        {
            await next(context);
        }
    }

    /// <summary>
    /// Checks an <c>X-Tenant-ID</c> switch: one well-formed store id, a token, and a role in that store. Answers the
    /// store to act for (as resolved), or null after writing the refusal. A refusal reads the same whether the store
    /// exists or not.
    /// </summary>
    private async Task<TenantResolution?> RefuseSwitchAsync(HttpContext context, Microsoft.Extensions.Primitives.StringValues header, RequestAudit audit)
    {
        if (header.Count != 1 || !TenantId.TryParse(header[0], out var target))
        {
            await ApiProblem.Create(StatusCodes.Status400BadRequest, ApiProblemCodes.InvalidTenantHeader, "Invalid store header", $"{TenantHeader} names one store id: 2-40 characters of a-z, 0-9 and '-'.")
                .ExecuteAsync(context);
            return null;
        }

        if (context.User.Identity?.IsAuthenticated != true)
        {
            await ProblemCatalog.ForStatus(StatusCodes.Status401Unauthorized).ExecuteAsync(context);
            return null;
        }

        // The token alone decides, before anything is asked about the store: looked up first, a store that exists
        // answered sooner (cached, active) than a made-up id, and every made-up id woke a grain of its own.
        if (!context.User.HoldsRoleIn(target))
        {
            LogSwitchRefused(logger, context.User.ActorName(), target.Value, HeadRequestMiddleware.MethodAsked(context), context.Request.Path);
            await ApiProblem.Create(StatusCodes.Status403Forbidden, ApiProblemCodes.StoreNotGranted, "Store not granted", $"The token grants no role in the store named by {TenantHeader}.")
                .ExecuteAsync(context);
            await AuditRefusedSwitchAsync(context, target, audit);
            return null;
        }

        var resolution = await resolver.ResolveStoreAsync(target);
        if (resolution.Status != TenantResolutionStatus.Unknown)
        {
            audit.Target(target, AuditVia.TenantHeader);
        }

        return resolution;
    }

    /// <summary>
    /// Names the store a refused switch asked for in the request's audit entry, so its owner sees refused attempts
    /// too; a store that does not exist gets no trail of its own (anyone with a token could otherwise start one for
    /// any id, which a store onboarded later under it would inherit), and the platform's keeps the entry. The refusal
    /// is sent in full first, so neither this lookup nor the trail the entry goes to shows in its timing.
    /// </summary>
    private async Task AuditRefusedSwitchAsync(HttpContext context, TenantId target, RequestAudit audit)
    {
        await context.Response.CompleteAsync();
        try
        {
            if (await resolver.IsOnboardedAsync(target))
            {
                audit.Target(target, AuditVia.TenantHeader);
            }
        }
        catch (Exception failure)
        {
            // The client has its answer; the entry stays in the platform's trail.
            LogRefusedSwitchNotTargeted(logger, failure, target.Value);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell whether store {Target} exists; its refused switch is audited in the platform trail")]
    private static partial void LogRefusedSwitchNotTargeted(ILogger logger, Exception exception, string target);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused store switch: {Actor} asked X-Tenant-ID {Target} without a role there ({Method} {Path})")]
    private static partial void LogSwitchRefused(ILogger logger, string actor, string target, string method, string path);
}
