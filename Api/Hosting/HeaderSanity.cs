using MultiStore.Api.Features;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Hosting;

/// <summary>
/// Refuses a request that repeats a header which may appear once (Host, Authorization, Content-Type, Content-Length,
/// X-Tenant-ID, Idempotency-Key) with 400 problem+json, before anything reads one of the copies: two copies that
/// disagree are how request smuggling and "which tenant/which token wins" confusion start (and two keys would be
/// read as one key "a,b", retry-safe for neither). (Kestrel already refuses two Host or two
/// Content-Length headers itself; this covers the rest and any server in front of the API that lets them through.)
/// </summary>
public sealed class HeaderSanityMiddleware(RequestDelegate next)
{
    public const string Code = "duplicate-header";

    private static readonly string[] SingleValued =
    [
        "Host", "Authorization", "Content-Type", "Content-Length", TenantResolutionMiddleware.TenantHeader, IdempotencyKeyHeader.Name,
    ];

    public Task InvokeAsync(HttpContext context)
    {
        foreach (var name in SingleValued)
        {
            if (context.Request.Headers.TryGetValue(name, out var values) && values.Count > 1)
            {
                return ApiProblem.Create(StatusCodes.Status400BadRequest, Code, "Duplicate header", $"The {name} header may appear only once.").ExecuteAsync(context);
            }
        }

        return next(context);
    }
}
