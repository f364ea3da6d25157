using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Hosting;

public static partial class OpenApiExtensions
{
    /// <summary>
    /// An admin route (a store's route that needs a token) acts for another store the token holds a role in when
    /// <c>X-Tenant-ID</c> names it; the storefront follows the Host alone and ignores the header, and the owner's and
    /// platform routes name their stores otherwise.
    /// </summary>
    private static Task DescribeStoreSwitchHeader(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var (path, item) in document.Paths ?? [])
        {
            if (!TenantResolutionMiddleware.IsStoreScoped(path))
            {
                continue;
            }

            foreach (var operation in item.Operations?.Values.Where(operation => operation.Responses?.ContainsKey("401") == true) ?? [])
            {
                operation.Parameters ??= [];
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = TenantResolutionMiddleware.TenantHeader,
                    In = ParameterLocation.Header,
                    Required = false,
                    Description = "Act for this store instead of the Host's: a store id the token holds a role in (anything else is a 403).",
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }
        }

        return Task.CompletedTask;
    }
}
