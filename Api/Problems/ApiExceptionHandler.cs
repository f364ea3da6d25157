using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Problems;

/// <summary>
/// Turns exceptions that carry a client-facing meaning into problems: grain refusals into 4xx, isolation breaches
/// into a plain 404 (another store's data is never acknowledged), and a cluster that cannot answer right now
/// (<see cref="ClusterUnavailable"/>: no silo, storage down, a fenced write) into 503 + Retry-After.
/// Anything else is left to the default 500 problem.
/// </summary>
public sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = Map(exception, httpContext);
        if (problem is null)
        {
            return false;
        }

        await problem.ExecuteAsync(httpContext);
        return true;
    }

    private ApiProblem? Map(Exception exception, HttpContext httpContext)
    {
        switch (exception)
        {
            case StoreRuleException rule:
                return ApiProblem.Create(ProblemCatalog.StatusFor(rule.Code), rule.Code, ProblemCatalog.TitleFor(rule.Code), rule.Message);

            case TenantIsolationException isolation:
                LogIsolation(logger, httpContext.Request.Path, isolation.Message);
                return ApiProblem.Create(StatusCodes.Status404NotFound, RuleCodes.NotFound, "Not found");

            case StorePermissionException permission:
                // The endpoint's policy let the call through but the silo did not: an endpoint asks for the wrong
                // permission. The caller still only sees a plain 403.
                LogPermission(logger, httpContext.Request.Path, permission.Message);
                return ProblemCatalog.ForStatus(StatusCodes.Status403Forbidden);

            case BadHttpRequestException badRequest:
                return ProblemCatalog.ForStatus(badRequest.StatusCode);

            case JsonException:
                return ApiProblem.Create(StatusCodes.Status400BadRequest, ApiProblemCodes.BadRequest, "Bad request", "The body is not valid JSON for this request.");

            case not null when ClusterUnavailable.CauseOf(exception) is { } cause:
                LogUnavailable(logger, cause.GetType().Name, cause.Message);
                httpContext.Response.Headers.RetryAfter = "1";
                return ApiProblem.Create(StatusCodes.Status503ServiceUnavailable, ApiProblemCodes.ServiceUnavailable, "Service unavailable", "The store service is briefly unavailable; retry shortly.");

            default:
                return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tenant isolation refused a call for {Path}: {Reason}")]
    private static partial void LogIsolation(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The silo refused a call for {Path} for lack of permission: {Reason}")]
    private static partial void LogPermission(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cluster unavailable ({ExceptionType}): {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType, string reason);
}
