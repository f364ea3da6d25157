using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FastEndpoints;

namespace MultiStore.Api.Hosting;

/// <summary>
/// A request property bound from a header (<c>[FromHeader]</c>, e.g. the <c>Idempotency-Key</c>) is not a body field:
/// it is left out of the JSON contract, so a body naming it is refused like any unknown field (400) instead of
/// quietly standing in for the header, and the OpenAPI body schema does not list it. (<c>[JsonIgnore]</c> would say
/// the same to the serializer, but FastEndpoints binds no property that carries it, from a header or anywhere.)
/// </summary>
public static class HeaderBoundProperties
{
    public static void LeaveOutOfBodies(JsonSerializerOptions options) =>
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(RemoveHeaderProperties);

    private static void RemoveHeaderProperties(JsonTypeInfo typeInfo)
    {
        if (typeInfo.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        for (var i = typeInfo.Properties.Count - 1; i >= 0; i--)
        {
            if (typeInfo.Properties[i].AttributeProvider is MemberInfo member && member.IsDefined(typeof(FromHeaderAttribute)))
            {
                typeInfo.Properties.RemoveAt(i);
            }
        }
    }
}
