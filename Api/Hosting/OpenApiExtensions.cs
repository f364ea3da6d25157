using System.ComponentModel;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using FastEndpoints;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace MultiStore.Api.Hosting;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>. FastEndpoints describes each request DTO as a body; the
/// transformers here move route values into path parameters and <c>[FromHeader]</c> properties into header
/// parameters, drop bodies that hold nothing but those, and declare the bearer scheme on the operations that need a token.
/// A body field is <c>required</c> when its request property carries <see cref="System.ComponentModel.DataAnnotations.RequiredAttribute"/>,
/// which Microsoft.AspNetCore.OpenApi reads itself: the attribute only documents, as FastEndpoints does not read data
/// annotations; the request's validator enforces the rule, and <c>OpenApiRequiredFieldsTests</c> keeps the two in step.
/// </summary>
public static partial class OpenApiExtensions
{
    private const string FeaturesNamespace = "MultiStore.Api.Features.";
    private const string BearerScheme = "Bearer";

    public static IServiceCollection AddMultiStoreOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(options =>
        {
            // Every action has a type named Request; name schemas after their feature folder instead.
            options.CreateSchemaReferenceId = SchemaName;
            options.AddSchemaTransformer(RemoveRouteProperties);
            options.AddSchemaTransformer(DescribeDecimals);
            options.AddOperationTransformer(DescribeRouteParameters);
            options.AddOperationTransformer(DescribeHeaderParameters);
            options.AddDocumentTransformer(DeclareBearerScheme);
            options.AddDocumentTransformer(DescribeCommonProblems);
            options.AddDocumentTransformer(DescribeStoreSwitchHeader);
        });
        return services;
    }

    public static WebApplication MapMultiStoreOpenApi(this WebApplication app)
    {
        app.MapOpenApi();
        return app;
    }

    private static string? SchemaName(JsonTypeInfo typeInfo) =>
        typeInfo.Type.FullName is { } fullName && fullName.StartsWith(FeaturesNamespace, StringComparison.Ordinal)
            ? fullName[FeaturesNamespace.Length..].Replace('.', '_').Replace('+', '_')
            : OpenApiOptions.CreateDefaultSchemaReferenceId(typeInfo);

    /// <summary>
    /// Money is a decimal (prices, totals, revenue): said so with <c>format: decimal</c>, where the default "number"
    /// (a double) would have generated clients hold a price as a float and round it.
    /// </summary>
    private static Task DescribeDecimals(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if ((Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type) == typeof(decimal))
        {
            schema.Format = "decimal";
        }

        return Task.CompletedTask;
    }

    private static Task RemoveRouteProperties(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var property in context.JsonTypeInfo.Properties.Where(IsRouteValue))
        {
            schema.Properties?.Remove(property.Name);
            schema.Required?.Remove(property.Name);
        }

        return Task.CompletedTask;
    }

    private static Task DescribeRouteParameters(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        operation.Parameters ??= [];
        foreach (Match match in RouteValuePattern().Matches(context.Description.RelativePath ?? string.Empty))
        {
            var name = match.Groups["name"].Value;
            if (!operation.Parameters.Any(parameter => parameter.In == ParameterLocation.Path && parameter.Name == name))
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name,
                    In = ParameterLocation.Path,
                    Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String },
                });
            }
        }

        var body = BodyType(context);
        if (body is not null && !body.GetProperties(BindingFlags.Public | BindingFlags.Instance).Any(property => !property.IsDefined(typeof(RouteParamAttribute)) && !property.IsDefined(typeof(FromHeaderAttribute))))
        {
            operation.RequestBody = null;
        }
        else if (operation.RequestBody?.Content is { } content && HttpMethods.IsGet(context.Description.HttpMethod ?? string.Empty))
        {
            content.Clear();
            operation.RequestBody = null;
        }

        if (body is not null && HttpMethods.IsGet(context.Description.HttpMethod ?? string.Empty))
        {
            DescribeQueryParameters(operation, body);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A read's request properties that are neither route values nor headers come from the query string, each optional
    /// (the body that described them is dropped above, as a GET has none).
    /// </summary>
    private static void DescribeQueryParameters(OpenApiOperation operation, Type request)
    {
        var queried = request.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => !property.IsDefined(typeof(RouteParamAttribute)) && !property.IsDefined(typeof(FromHeaderAttribute)));
        foreach (var property in queried)
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (operation.Parameters!.Any(parameter => parameter.In == ParameterLocation.Query && parameter.Name == name))
            {
                continue;
            }

            operation.Parameters!.Add(OptionalQueryParameter(name, property.PropertyType, property.GetCustomAttribute<DescriptionAttribute>()?.Description));
        }
    }

    /// <summary>An optional query parameter of <paramref name="type"/> (nullable or not), typed as the query binds it.</summary>
    public static OpenApiParameter OptionalQueryParameter(string name, Type type, string? description) => new()
    {
        Name = name,
        In = ParameterLocation.Query,
        Required = false,
        Description = description,
        Schema = QuerySchema(Nullable.GetUnderlyingType(type) ?? type),
    };

    private static OpenApiSchema QuerySchema(Type type) =>
        type == typeof(int) ? new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" }
        : type == typeof(long) ? new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" }
        : type == typeof(bool) ? new OpenApiSchema { Type = JsonSchemaType.Boolean }
        : type == typeof(DateOnly) ? new OpenApiSchema { Type = JsonSchemaType.String, Format = "date" }
        : new OpenApiSchema { Type = JsonSchemaType.String };

    /// <summary>
    /// A request property bound from a header (<c>Idempotency-Key</c>) is a header parameter, with the property's
    /// <see cref="DescriptionAttribute"/>. They are not body fields (<see cref="HeaderBoundProperties"/>), so the body
    /// schema does not show them.
    /// </summary>
    private static Task DescribeHeaderParameters(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var property in BodyType(context)?.GetProperties(BindingFlags.Public | BindingFlags.Instance) ?? [])
        {
            if (property.GetCustomAttribute<FromHeaderAttribute>() is not { } header)
            {
                continue;
            }

            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = header.HeaderName ?? property.Name,
                In = ParameterLocation.Header,
                Required = header.IsRequired,
                Description = property.GetCustomAttribute<DescriptionAttribute>()?.Description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        return Task.CompletedTask;
    }

    private static Type? BodyType(OpenApiOperationTransformerContext context) =>
        context.Description.ParameterDescriptions.FirstOrDefault(parameter => parameter.Source == Microsoft.AspNetCore.Mvc.ModelBinding.BindingSource.Body)?.Type;

    private static Task DeclareBearerScheme(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "A token from `dotnet run --project Api -- token --role ROLE [--tenant ID]`.",
        };

        var operations = document.Paths?.Values.SelectMany(path => path.Operations?.Values.AsEnumerable() ?? []) ?? [];
        foreach (var operation in operations.Where(operation => operation.Responses?.ContainsKey("401") == true))
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
        }

        return Task.CompletedTask;
    }

    private static bool IsRouteValue(JsonPropertyInfo property) =>
        property.AttributeProvider is MemberInfo member && member.IsDefined(typeof(RouteParamAttribute));

    [GeneratedRegex("{(?<name>[A-Za-z0-9_]+)}")]
    private static partial Regex RouteValuePattern();
}
