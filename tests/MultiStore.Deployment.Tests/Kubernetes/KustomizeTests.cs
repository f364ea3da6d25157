using System.Diagnostics;
using MultiStore.Deployment.Tests.Infrastructure;

namespace MultiStore.Deployment.Tests.Kubernetes;

/// <summary>The test renderer against the real one: where kubectl is installed, both must produce the same objects.</summary>
public sealed class KustomizeTests(Xunit.Abstractions.ITestOutputHelper output)
{
    public static IEnumerable<object[]> Overlays => Overlay.All;

    [Theory]
    [MemberData(nameof(Overlays))]
    public async Task Render_OfEveryOverlay_EqualsKubectlKustomize(string name)
    {
        var overlay = Overlay.Named(name);
        var kubectl = await KubectlKustomizeAsync(overlay.Directory);
        if (kubectl is null)
        {
            // Nothing to compare with; the other tests still check the test renderer's output.
            output.WriteLine("kubectl is not installed: the comparison is skipped.");
            return;
        }

        var expected = Yaml.LoadAll(kubectl).Select(o => new KubeObject(o)).ToDictionary(o => o.Id);
        var actual = overlay.Objects.ToDictionary(o => o.Id);

        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (id, o) in actual)
        {
            Assert.True(Same(expected[id].Root, o.Root, out var where), $"{name}: {id} differs from kubectl's at {where}.");
        }
    }

    private static bool Same(object? expected, object? actual, out string where, string path = "")
    {
        where = path;
        switch (expected, actual)
        {
            case (Dictionary<string, object?> e, Dictionary<string, object?> a):
                if (!e.Keys.Order().SequenceEqual(a.Keys.Order()))
                {
                    where = $"{path} (keys {string.Join(",", e.Keys.Order())} vs {string.Join(",", a.Keys.Order())})";
                    return false;
                }

                foreach (var key in e.Keys)
                {
                    if (!Same(e[key], a[key], out where, $"{path}.{key}"))
                    {
                        return false;
                    }
                }

                return true;
            case (List<object?> e, List<object?> a):
                if (e.Count != a.Count)
                {
                    return false;
                }

                for (var i = 0; i < e.Count; i++)
                {
                    if (!Same(e[i], a[i], out where, $"{path}[{i}]"))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return Equals(expected, actual);
        }
    }

    private static async Task<string?> KubectlKustomizeAsync(string directory)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(directory);
        try
        {
            using var process = Process.Start(start)!;
            var text = await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return process.ExitCode == 0 ? text : throw new InvalidOperationException(await process.StandardError.ReadToEndAsync());
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
