using System.Diagnostics;
using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc;

namespace MultiStore.Api.Problems;

/// <summary>
/// The body FastEndpoints sends when binding or validation fails: the same problem shape as every other error
/// (<c>type</c>, <c>code</c>, <c>traceId</c>) plus the list of fields and what is wrong with each.
/// </summary>
public static class ValidationProblem
{
    public const string Code = "invalid-request";

    public static object Build(List<ValidationFailure> failures, HttpContext httpContext, int status)
    {
        var problem = new ProblemDetails
        {
            Type = ApiProblem.TypePrefix + Code,
            Title = "Invalid request",
            Status = status,
            Detail = failures.Count > 0 ? failures[0].ErrorMessage : null,
            Instance = httpContext.Request.Path,
        };
        problem.Extensions["code"] = Code;
        problem.Extensions["traceId"] = Activity.Current?.Id ?? httpContext.TraceIdentifier;
        problem.Extensions["errors"] = failures
            .Select(failure => new FieldError(failure.PropertyName, failure.ErrorMessage))
            .ToList();
        return problem;
    }

    /// <summary>One field's complaint; <c>serializerErrors</c> names a body that is not valid JSON for the request.</summary>
    public sealed record FieldError(string Name, string Reason);
}
