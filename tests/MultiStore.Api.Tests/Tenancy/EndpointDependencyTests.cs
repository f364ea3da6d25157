using System.Reflection;
using FastEndpoints;
using Microsoft.Extensions.DependencyInjection;
using MultiStore.Api.Audit;
using MultiStore.Api.Tenancy;

namespace MultiStore.Api.Tests.Tenancy;

/// <summary>
/// Endpoints reach grains only through <see cref="TenantGrains"/> (or the platform's <see cref="PlatformGrains"/>):
/// none may hold a grain factory, a cluster client or a service provider to fetch one with a key it built itself.
/// </summary>
public sealed class EndpointDependencyTests
{
    private static readonly Type[] Doors = [typeof(TenantGrains), typeof(PlatformGrains), typeof(OwnedStores), typeof(AuditTrails)];

    private static readonly Type[] Forbidden = [typeof(IGrainFactory), typeof(IClusterClient), typeof(IServiceProvider), typeof(IServiceScopeFactory)];

    public static IEnumerable<Type> EndpointTypes =>
        typeof(TenantGrains).Assembly.GetTypes().Where(type => !type.IsAbstract && typeof(BaseEndpoint).IsAssignableFrom(type));

    [Fact]
    public void Endpoints_AreFoundByReflection()
    {
        // One endpoint type per business route of the catalog (which is itself checked against the running app).
        var businessRoutes = EndpointCatalog.All.Count(endpoint => endpoint.Access is not (Access.System or Access.Hidden));
        Assert.Equal(businessRoutes, EndpointTypes.Count());
    }

    [Fact]
    public void Endpoints_DependOnNoGrainFactoryOrClusterClient()
    {
        var offences = new List<string>();
        foreach (var type in EndpointTypes)
        {
            const BindingFlags all = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
            var dependencies = type.GetConstructors(all).SelectMany(constructor => constructor.GetParameters().Select(parameter => (Where: $"constructor parameter {parameter.Name}", Type: parameter.ParameterType)))
                .Concat(type.GetProperties(all).Select(property => (Where: $"property {property.Name}", Type: property.PropertyType)))
                .Concat(type.GetFields(all).Select(field => (Where: $"field {field.Name}", Type: field.FieldType)));

            offences.AddRange(dependencies
                .Where(dependency => IsForbidden(dependency.Type))
                .Select(dependency => $"{type.FullName}: {dependency.Where} is {dependency.Type.Name}"));
        }

        Assert.Empty(offences);
    }

    [Fact]
    public void Endpoints_ReachGrainsOnlyThroughTheDoorOfTheirArea()
    {
        foreach (var type in EndpointTypes)
        {
            var parameters = type.GetConstructors().Single().GetParameters().Select(parameter => parameter.ParameterType).ToList();
            var expected = type.Namespace!.Contains(".Platform.", StringComparison.Ordinal) ? typeof(PlatformGrains)
                : type.Namespace!.Contains(".Stores.", StringComparison.Ordinal) ? typeof(OwnedStores)
                : type.Namespace!.Contains(".Audit.", StringComparison.Ordinal) ? typeof(AuditTrails)
                : typeof(TenantGrains);
            // Anything else it takes (a cache of its own) reaches no grain: the test above refuses factories and clients.
            Assert.Equal([expected], parameters.Where(Doors.Contains));
        }
    }

    private static bool IsForbidden(Type type) =>
        Forbidden.Any(forbidden => forbidden.IsAssignableFrom(type))
        || (type.IsGenericType && type.GetGenericArguments().Any(IsForbidden))
        || (type.HasElementType && IsForbidden(type.GetElementType()!));
}
