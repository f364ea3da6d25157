using Microsoft.Extensions.Configuration;
using MultiStore.Deployment.Tests.Images;
using MultiStore.Silo.Hosting;

namespace MultiStore.Deployment.Tests.Kubernetes;

/// <summary>The Silo or the Api as the manifests deploy it: its Deployment, image, and the keys it reads.</summary>
public sealed record MultiStoreApp(string Name, string Deployment, ImageDefinition Image, AppKeys Keys)
{
    /// <summary>What every .NET host reads besides options: logging levels.</summary>
    private static readonly string[] HostPrefixes = ["Logging:"];

    public static readonly MultiStoreApp Silo = new(
        "silo",
        "multistore-silo",
        ImageDefinition.Silo,
        new AppKeys(
            [typeof(SiloHostingExtensions).Assembly, typeof(Grains.Hosting.SiloBuilderExtensions).Assembly],
            // Orleans' Kubernetes integration reads these directly from the environment.
            KubernetesHosting.PodVariables,
            HostPrefixes));

    public static readonly MultiStoreApp Api = new(
        "api",
        "multistore-api",
        ImageDefinition.Api,
        new AppKeys(
            [typeof(Api.Hosting.ApiHostingExtensions).Assembly, typeof(Grains.Hosting.SiloBuilderExtensions).Assembly],
            // ASP.NET Core's own listening addresses (WebHostDefaults.ServerUrlsKey).
            [Microsoft.AspNetCore.Hosting.WebHostDefaults.ServerUrlsKey],
            HostPrefixes));

    public static IEnumerable<object[]> All => [["silo"], ["api"]];

    public static MultiStoreApp Named(string name) => name == Silo.Name ? Silo : name == Api.Name ? Api : throw new ArgumentException(name);

    public Dictionary<string, object?> Container(Overlay overlay) => overlay.Single("Deployment", Deployment).Containers.Single();

    /// <summary>
    /// The configuration the app starts with in the pod: appsettings.json, the image's ENV, then the pod's
    /// environment (values from secrets and the downward API are not known here and left out).
    /// </summary>
    public IConfiguration Configuration(Overlay overlay) =>
        Image.Configuration(ContainerEnvironment.Of(overlay, Container(overlay))
            .Where(variable => variable.Value is not null)
            .ToDictionary(variable => variable.Name, variable => variable.Value!));

    /// <summary>A container port by name or number, as a probe or Service refers to it; null when there is none.</summary>
    public static int? ContainerPort(Dictionary<string, object?> container, string port) =>
        KubeObject.ListAt(container, "ports")
            .Where(p => (p.GetValueOrDefault("name") as string) == port || (string)p["containerPort"]! == port)
            .Select(p => (int?)int.Parse((string)p["containerPort"]!, System.Globalization.CultureInfo.InvariantCulture))
            .FirstOrDefault();

    public override string ToString() => Name;
}
