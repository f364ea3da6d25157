namespace MultiStore.Cluster.Tests.Hosting;

/// <summary>Where the repository, its builds and the tests' logs are.</summary>
public static class Artifacts
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    /// <summary>The solution root, found from the test build upwards.</summary>
    public static string RepositoryRoot { get; } = FindRoot();

    /// <summary><c>.artifacts/cluster-tests/&lt;name&gt;</c>: one folder of process logs per test.</summary>
    public static string RunDirectory(string name) => Path.Combine(RepositoryRoot, ".artifacts", "cluster-tests", name);

    /// <summary>A project's build next to this test build (same configuration), e.g. <c>Silo/bin/Release/net10.0/MultiStore.Silo.dll</c>.</summary>
    public static string BuiltAssembly(string project, string assembly)
    {
        var path = Path.Combine(RepositoryRoot, project, "bin", Configuration, "net10.0", assembly);
        return File.Exists(path) ? path : throw new FileNotFoundException($"The {project} build was not found ({path}); build the solution first.");
    }

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "MultiStore.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No MultiStore.sln above {AppContext.BaseDirectory}.");
    }
}
