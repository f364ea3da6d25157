using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Hosting;

/// <summary>
/// The refusals that no endpoint answers on its own but that reach it all the same, from the middleware in front of it:
/// they are added to every operation so that a client generated from the document handles each one.
/// </summary>
public static partial class OpenApiExtensions
{
    private const string ProblemSchema = "ProblemDetails";
    private const string ProblemJson = "application/problem+json";

    private static Task DescribeCommonProblems(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        var servedSuspended = ServedWhileSuspended(context);
        foreach (var (path, item) in document.Paths ?? [])
        {
            var storeScoped = TenantResolutionMiddleware.IsStoreScoped(path);
            foreach (var (method, operation) in item.Operations ?? [])
            {
                operation.Responses ??= [];
                var secured = operation.Responses.ContainsKey("401");
                var jsonBody = operation.RequestBody?.Content?.ContainsKey("application/json") == true;

                // A query parameter or header given twice, a value the validator refuses.
                AddProblem(document, operation, "400", "Bad request: a field, query parameter or header refused (validation errors name it)");
                if (secured)
                {
                    AddProblem(document, operation, "401", "No valid bearer token");
                    AddProblem(document, operation, "403", "The token grants no permission for this action in this store (or an X-Tenant-ID it holds no role in)");
                }

                if (storeScoped && !servedSuspended.Contains((method.Method, path)))
                {
                    AddProblem(document, operation, "403", "Forbidden: the store at this host is suspended (store-suspended)");
                }

                if (storeScoped)
                {
                    AddProblem(document, operation, "404", "Not found: no store at this host, or the entity named is not in it");
                }

                if (jsonBody)
                {
                    AddProblem(document, operation, "413", "The body is larger than the API accepts");
                    AddProblem(document, operation, "415", "The body is not JSON in UTF-8");
                }

                AddProblem(document, operation, "429", "A rate limit was met; retry after Retry-After seconds").Headers![RetryAfter] = RetryAfterHeader("Seconds left of the window that refused (at least 1; 1 when the store's queue was full)");
                AddProblem(document, operation, "503", "The store service is briefly unavailable; retry after Retry-After seconds").Headers![RetryAfter] = RetryAfterHeader("Seconds to wait before retrying");
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The operations that still answer while their store is suspended (<see cref="ServesSuspendedStore"/>): a
    /// shopper's order read or cancel can then be refused by nothing but a token, so no 403 is theirs.
    /// </summary>
    private static HashSet<(string Method, string Path)> ServedWhileSuspended(OpenApiDocumentTransformerContext context) =>
    [
        .. context.DescriptionGroups
            .SelectMany(group => group.Items)
            .Where(description => description.ActionDescriptor.EndpointMetadata.OfType<ServesSuspendedStore>().Any())
            .Select(description => ((description.HttpMethod ?? string.Empty).ToUpperInvariant(), "/" + description.RelativePath)),
    ];

    private const string RetryAfter = "Retry-After";

    private static OpenApiHeader RetryAfterHeader(string description) =>
        new() { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.Integer } };

    /// <summary>Adds the problem response, or gives one the endpoint declared without a body its problem+json body.</summary>
    private static OpenApiResponse AddProblem(OpenApiDocument document, OpenApiOperation operation, string status, string description)
    {
        if (!operation.Responses!.TryGetValue(status, out var declared) || declared is not OpenApiResponse response)
        {
            response = new OpenApiResponse { Description = description };
            operation.Responses[status] = response;
        }

        response.Content ??= new Dictionary<string, OpenApiMediaType>();
        response.Content.TryAdd(ProblemJson, new OpenApiMediaType { Schema = new OpenApiSchemaReference(ProblemSchema, document) });
        response.Headers ??= new Dictionary<string, IOpenApiHeader>();
        return response;
    }
}
