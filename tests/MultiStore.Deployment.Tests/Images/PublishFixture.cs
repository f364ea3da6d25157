using System.Diagnostics;
using MultiStore.Deployment.Tests.Infrastructure;

namespace MultiStore.Deployment.Tests.Images;

/// <summary>
/// <c>dotnet publish</c> of the Silo and the Api, once for all image tests, into a temporary folder. It publishes
/// the build this test run already made (<c>--no-build</c>, same configuration; the test project references both),
/// so it copies rather than compiles: a few seconds, not minutes.
/// </summary>
public sealed class PublishFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"multistore-publish-{Guid.NewGuid():N}");
    private readonly Dictionary<string, string> _outputs = [];

    /// <summary>The publish folder of <paramref name="image"/>.</summary>
    public string OutputOf(ImageDefinition image) => _outputs[image.Name];

    public async Task InitializeAsync()
    {
        foreach (var image in new[] { ImageDefinition.Silo, ImageDefinition.Api })
        {
            var output = Path.Combine(_root, image.Name);
            var start = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { "publish", image.ProjectPath, "--configuration", Repository.Configuration, "--no-build", "--nologo", "--output", output })
            {
                start.ArgumentList.Add(argument);
            }

            using var publish = Process.Start(start)!;
            var stdout = publish.StandardOutput.ReadToEndAsync();
            var stderr = publish.StandardError.ReadToEndAsync();
            await publish.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
            if (publish.ExitCode != 0)
            {
                throw new InvalidOperationException($"dotnet publish {image.ProjectFile} failed ({publish.ExitCode}): {await stdout}{await stderr}");
            }

            _outputs[image.Name] = output;
        }
    }

    public Task DisposeAsync()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }

        return Task.CompletedTask;
    }
}
