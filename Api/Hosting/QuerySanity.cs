using MultiStore.Api.Problems;

namespace MultiStore.Api.Hosting;

/// <summary>
/// Refuses a request that gives a query parameter more than once (<c>?category=a&amp;category=b</c>) with 400
/// problem+json. No route takes a list in its query, and the binder joins the copies into one value ("a,b"): a
/// storefront filter then answered 200 with an empty page, as if the category held nothing.
/// </summary>
public sealed class QuerySanityMiddleware(RequestDelegate next)
{
    public const string Code = "duplicate-query-parameter";

    public Task InvokeAsync(HttpContext context)
    {
        foreach (var (name, values) in context.Request.Query)
        {
            if (values.Count > 1)
            {
                return ApiProblem.Create(
                    StatusCodes.Status400BadRequest, Code, "Duplicate query parameter", $"The query parameter '{name}' may appear only once.")
                    .ExecuteAsync(context);
            }
        }

        return next(context);
    }
}
