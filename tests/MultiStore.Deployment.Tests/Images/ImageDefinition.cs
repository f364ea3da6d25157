using Microsoft.Extensions.Configuration;
using MultiStore.Deployment.Tests.Infrastructure;

namespace MultiStore.Deployment.Tests.Images;

/// <summary>One of the repository's container images: its Dockerfile, the project it publishes and the app's folder.</summary>
public sealed record ImageDefinition(string Name, string ProjectDirectory, string ProjectFile)
{
    public static readonly ImageDefinition Silo = new("silo", "Silo", "MultiStore.Silo.csproj");
    public static readonly ImageDefinition Api = new("api", "Api", "MultiStore.Api.csproj");

    public static IEnumerable<object[]> All => [[Silo.Name], [Api.Name]];

    public static ImageDefinition Named(string name) => name == Silo.Name ? Silo : name == Api.Name ? Api : throw new ArgumentException(name);

    public string DockerfilePath => Repository.PathOf(ProjectDirectory, "Dockerfile");

    public string ProjectPath => Repository.PathOf(ProjectDirectory, ProjectFile);

    public Dockerfile Dockerfile => Dockerfile.Load(DockerfilePath);

    /// <summary>
    /// The configuration the app in the image starts with: its appsettings.json, then the image's ENV (environment
    /// variables win over the file, and <c>__</c> means <c>:</c>), as the .NET host reads them.
    /// </summary>
    public IConfiguration Configuration(IReadOnlyDictionary<string, string>? extraEnvironment = null)
    {
        var builder = new ConfigurationBuilder();
        var settings = Repository.PathOf(ProjectDirectory, "appsettings.json");
        if (File.Exists(settings))
        {
            builder.AddJsonFile(settings);
        }

        var environment = Dockerfile.Environment.Concat(extraEnvironment ?? new Dictionary<string, string>())
            .GroupBy(pair => pair.Key).ToDictionary(group => group.Key.Replace("__", ":", StringComparison.Ordinal), group => (string?)group.Last().Value);
        return builder.AddInMemoryCollection(environment).Build();
    }

    public override string ToString() => Name;
}
