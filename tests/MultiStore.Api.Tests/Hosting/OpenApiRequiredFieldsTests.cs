using System.Net;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using FastEndpoints;
using FluentValidation;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MultiStore.Api.Tests.Hosting;

/// <summary>
/// A body field the endpoint's validator refuses when it is absent is <c>required</c> in the document, and no other
/// is, so a generated client makes the caller give exactly those. What the validator refuses is found by validating
/// a request with every field absent (and, for a list of objects, one object with every field absent); the document
/// learns it from <c>[Required]</c> on the request property, which this test holds to the validator.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiRequiredFieldsTests(ApiFactory api)
{
    public static IEnumerable<object[]> BodyEndpoints() =>
        EndpointCatalog.All.Where(endpoint => endpoint.Method is "POST" or "PUT").Select(endpoint => new object[] { endpoint.Key });

    [Theory]
    [MemberData(nameof(BodyEndpoints))]
    public async Task Document_MarksRequired_ExactlyTheBodyFieldsTheValidatorRequires(string key)
    {
        var definition = Definition(key);
        if (definition.ValidatorType is null || definition.ReqDtoType is null)
        {
            return;
        }

        var document = await api.ClientFor("anything.test").GetAsync("/openapi/v1.json").ExpectAsync(HttpStatusCode.OK);
        var (method, route) = (key.Split(' ')[0].ToLowerInvariant(), key.Split(' ')[1]);
        var body = document["paths"]![route]![method]!["requestBody"];
        if (body is null)
        {
            return;
        }

        var schema = Resolve(document, body["content"]!["application/json"]!["schema"]!);
        var validator = (IValidator)Activator.CreateInstance(definition.ValidatorType)!;
        var blank = Activator.CreateInstance(definition.ReqDtoType)!;
        var bodyFields = schema["properties"]!.AsObject().Select(property => property.Key).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(RequiredBy(validator, blank, prefix: string.Empty).Where(bodyFields.Contains).Order(), Required(schema));

        // A list of objects (a new product's variants): one blank element shows the fields each element must have.
        foreach (var list in definition.ReqDtoType.GetProperties().Where(IsListOfObjects))
        {
            var element = list.PropertyType.GetGenericArguments()[0];
            var items = (System.Collections.IList)Activator.CreateInstance(list.PropertyType)!;
            items.Add(Activator.CreateInstance(element));
            list.SetValue(blank, items);
            var elementSchema = Resolve(document, schema["properties"]![Camel(list.Name)]!["items"]!);

            Assert.Equal(RequiredBy(validator, blank, prefix: $"{Camel(list.Name)}[0].").Order(), Required(elementSchema));
        }
    }

    private EndpointDefinition Definition(string key) =>
        api.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(endpoint => (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? []).Any(method => $"{method} /{endpoint.RoutePattern.RawText?.TrimStart('/')}" == key))
            .Select(endpoint => endpoint.Metadata.GetMetadata<EndpointDefinition>())
            .Single(definition => definition is not null)!;

    private static IEnumerable<string> RequiredBy(IValidator validator, object request, string prefix)
    {
        var result = validator.Validate(new FluentValidation.ValidationContext<object>(request));
        return result.Errors
            .Select(error => error.PropertyName)
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && !name[prefix.Length..].Contains('.') && !name[prefix.Length..].Contains('['))
            .Select(name => Camel(name[prefix.Length..]))
            .Distinct();
    }

    private static IEnumerable<string> Required(JsonNode schema) =>
        (schema["required"]?.AsArray() ?? []).Select(name => name!.GetValue<string>()).Order();

    private static JsonNode Resolve(JsonNode document, JsonNode schema) =>
        schema["$ref"] is { } reference ? document["components"]!["schemas"]![reference.GetValue<string>().Split('/')[^1]]! : schema;

    private static bool IsListOfObjects(PropertyInfo property) =>
        property.PropertyType.IsGenericType && property.PropertyType.GetGenericTypeDefinition() == typeof(List<>)
        && property.PropertyType.GetGenericArguments()[0] is { IsClass: true } element && element != typeof(string);

    private static string Camel(string name) => JsonNamingPolicy.CamelCase.ConvertName(name);
}
