using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using MultiStore.Grains.Interfaces.Carts;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Api.Problems;

/// <summary>
/// An RFC 9457 problem response (<c>application/problem+json</c>). Every problem carries a stable <c>code</c>
/// (a <see cref="RuleCodes"/> value or one of <see cref="ApiProblemCodes"/>) and a <c>type</c> built from it.
/// </summary>
public sealed class ApiProblem(ProblemDetails details) : IResult, IStatusCodeHttpResult
{
    /// <summary>Problem types are URNs: stable names that need no web page behind them.</summary>
    public const string TypePrefix = "urn:multistore:problem:";

    public ProblemDetails Details { get; } = details;

    public int? StatusCode => Details.Status;

    public static ApiProblem Create(int status, string code, string title, string? detail = null)
    {
        var details = new ProblemDetails
        {
            Status = status,
            Type = TypePrefix + code,
            Title = title,
            Detail = detail,
        };
        details.Extensions["code"] = code;
        return new ApiProblem(details);
    }

    /// <summary>A 404 that says no more than "not here", so ids of other stores reveal nothing.</summary>
    public static ApiProblem NotFound(string what) =>
        Create(StatusCodes.Status404NotFound, RuleCodes.NotFound, "Not found", $"No {what} with this id exists in this store.");

    /// <summary>A 409 naming what was asked and what is available.</summary>
    public static ApiProblem InsufficientStock(StockShortage shortage)
    {
        var problem = Create(
            StatusCodes.Status409Conflict,
            RuleCodes.InsufficientStock,
            "Insufficient stock",
            $"Only {shortage.Available} unit(s) of {shortage.Sku} are available in zone {shortage.Zone}.");
        problem.Details.Extensions["sku"] = shortage.Sku;
        problem.Details.Extensions["zone"] = shortage.Zone;
        problem.Details.Extensions["requested"] = shortage.Requested;
        problem.Details.Extensions["available"] = shortage.Available;
        return problem;
    }

    public Task ExecuteAsync(HttpContext httpContext)
    {
        Details.Instance ??= httpContext.Request.Path;
        Details.Extensions["traceId"] = Activity.Current?.Id ?? httpContext.TraceIdentifier;
        return TypedResults.Problem(Details).ExecuteAsync(httpContext);
    }
}

/// <summary>Problem codes the API itself raises (grain refusals use <see cref="RuleCodes"/>).</summary>
public static class ApiProblemCodes
{
    public const string StoreNotFound = "store-not-found";
    public const string StoreSuspended = "store-suspended";
    public const string StoreNotGranted = "store-not-granted";
    public const string InvalidTenantHeader = "invalid-tenant-header";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string MethodNotAllowed = "method-not-allowed";
    public const string UnsupportedMediaType = "unsupported-media-type";
    public const string RequestTooLarge = "request-too-large";
    public const string BadRequest = "bad-request";
    public const string ServiceUnavailable = "service-unavailable";
    public const string Internal = "internal-error";
}
