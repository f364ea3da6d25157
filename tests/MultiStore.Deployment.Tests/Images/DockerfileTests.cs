using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.Configuration;
using MultiStore.Api.Hosting;
using MultiStore.Deployment.Tests.Infrastructure;
using MultiStore.Grains.Hosting;
using MultiStore.Silo.Configuration;

namespace MultiStore.Deployment.Tests.Images;

/// <summary>
/// What can be checked of the images without a Docker engine (there is none on the build machine): pinned bases,
/// a non-root user, ports that are the ones the app listens on, an entry assembly that publishing produces, and a
/// build stage that copies every project the app needs.
/// </summary>
public sealed partial class DockerfileTests(PublishFixture published) : IClassFixture<PublishFixture>
{
    public static IEnumerable<object[]> Images => ImageDefinition.All;

    [Theory]
    [MemberData(nameof(Images))]
    public void BaseImages_WhenRead_ArePinnedToAPatchVersionTag(string name)
    {
        var dockerfile = ImageDefinition.Named(name).Dockerfile;
        var stageNames = dockerfile.Stages.Select(stage => stage.Stage).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);

        foreach (var (image, _) in dockerfile.Stages.Where(stage => !stageNames.Contains(stage.Image)))
        {
            var tag = image.Contains('@', StringComparison.Ordinal) ? null : image.Split('/')[^1].Split(':').ElementAtOrDefault(1);
            Assert.False(tag is null, $"{name}: '{image}' has no tag (it would float as :latest).");
            Assert.Matches(PatchVersion(), tag);
        }
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void RuntimeImage_WhenRead_MatchesTheProjectsTargetFramework(string name)
    {
        var definition = ImageDefinition.Named(name);
        var runtime = definition.Dockerfile.Stages[^1].Image;
        var targetFramework = XDocument.Load(Repository.PathOf("Directory.Build.props")).Descendants("TargetFramework").Single().Value;

        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", runtime, StringComparison.Ordinal);
        Assert.StartsWith(targetFramework["net".Length..] + ".", runtime.Split(':')[1], StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void User_OfTheRuntimeStage_IsNumericAndNotRoot(string name)
    {
        var user = ImageDefinition.Named(name).Dockerfile.User;

        // Numeric, because Kubernetes' runAsNonRoot can only verify a numeric user.
        Assert.NotNull(user);
        Assert.True(int.TryParse(user.Split(':')[0], out var uid), $"{name}: USER '{user}' is not numeric.");
        Assert.NotEqual(0, uid);
    }

    [Fact]
    public void ExposedPorts_OfTheSilo_AreThePortsItListensOn()
    {
        var image = ImageDefinition.Silo;
        var configuration = image.Configuration();
        var cluster = MultiStoreClusterOptions.From(configuration);
        var health = configuration.GetSection(HealthOptions.SectionName).Get<HealthOptions>() ?? new HealthOptions();

        Assert.NotNull(health.Port);
        Assert.Equal(new[] { health.Port.Value, cluster.SiloPort, cluster.GatewayPort }.Order(), image.Dockerfile.ExposedPorts.Order());
    }

    [Fact]
    public void ExposedPorts_OfTheApi_AreThePortsOfItsUrlsAndMetricsIsOneOfThem()
    {
        var image = ImageDefinition.Api;
        var configuration = image.Configuration();
        var listening = UrlPorts(configuration["Urls"]);
        var metrics = configuration.GetSection(MetricsOptions.SectionName).Get<MetricsOptions>() ?? new MetricsOptions();

        Assert.Equal(listening.Order(), image.Dockerfile.ExposedPorts.Order());
        Assert.NotNull(metrics.Port);
        Assert.Contains(metrics.Port.Value, listening);
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void Entrypoint_WhenPublished_NamesTheEntryAssemblyOfTheOutput(string name)
    {
        var definition = ImageDefinition.Named(name);
        var entrypoint = definition.Dockerfile.Entrypoint;
        var assemblyName = Path.GetFileNameWithoutExtension(definition.ProjectFile);

        Assert.Equal(["dotnet", $"{assemblyName}.dll"], entrypoint);
        Assert.True(File.Exists(Path.Combine(published.OutputOf(definition), entrypoint[1])), $"{entrypoint[1]} is not in the publish output.");
        Assert.True(File.Exists(Path.Combine(published.OutputOf(definition), $"{assemblyName}.runtimeconfig.json")), "Not a runnable (framework-dependent) app.");
    }

    [Theory]
    [MemberData(nameof(Images))]
    public void BuildStage_WhenRead_CopiesEveryProjectTheAppReferencesAndPublishesIt(string name)
    {
        var definition = ImageDefinition.Named(name);
        var instructions = definition.Dockerfile.Instructions.Where(i => i.Stage == 0).ToList();
        var copied = instructions.Where(i => i.Keyword == "COPY").Select(i => i.Arguments).ToList();

        foreach (var project in ProjectClosure(definition.ProjectPath))
        {
            var relative = Path.GetRelativePath(Repository.Root, project).Replace('\\', '/');
            Assert.Contains(copied, copy => copy.StartsWith(relative + " ", StringComparison.Ordinal));
            Assert.Contains(copied, copy => copy.StartsWith(Path.GetDirectoryName(relative)!.Replace('\\', '/') + "/ ", StringComparison.Ordinal));
        }

        Assert.Contains(instructions, i => i.Keyword == "RUN" && i.Arguments.StartsWith($"dotnet publish {definition.ProjectDirectory}/{definition.ProjectFile} ", StringComparison.Ordinal));
    }

    private static List<int> UrlPorts(string? urls) =>
        [.. (urls ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(url => int.Parse(UrlPort().Match(url).Groups["port"].Value, System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>The project and every project it references, transitively.</summary>
    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }

            foreach (var reference in XDocument.Load(current).Descendants("ProjectReference"))
            {
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
            }
        }

        return seen;
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[a-z0-9.-]+)?$")]
    private static partial Regex PatchVersion();

    [GeneratedRegex(@":(?<port>\d+)/?$")]
    private static partial Regex UrlPort();
}
