namespace MultiStore.Deployment.Tests.Kubernetes;

/// <summary>One rendered Kubernetes object, with typed access to the few paths the checks read.</summary>
public sealed class KubeObject(Dictionary<string, object?> root)
{
    public Dictionary<string, object?> Root { get; } = root;

    public string Kind => (string)Root["kind"]!;

    public string Name => (string)Map("metadata")["name"]!;

    public string? Namespace => Map("metadata").GetValueOrDefault("namespace") as string;

    public string Id => $"{Kind}/{Name}";

    /// <summary>The mapping at a dotted path (<c>spec.template.spec</c>), or an empty one when absent.</summary>
    public Dictionary<string, object?> Map(string path) => MapAt(Root, path);

    public static Dictionary<string, object?> MapAt(Dictionary<string, object?> node, string path)
    {
        var current = node;
        foreach (var part in path.Split('.'))
        {
            current = current.GetValueOrDefault(part) as Dictionary<string, object?> ?? [];
        }

        return current;
    }

    public static IReadOnlyList<Dictionary<string, object?>> ListAt(Dictionary<string, object?> node, string key) =>
        [.. (node.GetValueOrDefault(key) as List<object?> ?? []).OfType<Dictionary<string, object?>>()];

    public static IReadOnlyDictionary<string, string> Strings(Dictionary<string, object?> map) =>
        map.Where(pair => pair.Value is string).ToDictionary(pair => pair.Key, pair => (string)pair.Value!);

    /// <summary>The pod template of a workload (Deployment, StatefulSet), or null for other kinds.</summary>
    public Dictionary<string, object?>? PodTemplate => Kind is "Deployment" or "StatefulSet" ? Map("spec.template") : null;

    /// <summary>The containers of a workload's pod template (init containers included).</summary>
    public IReadOnlyList<Dictionary<string, object?>> Containers =>
        PodTemplate is { } template
            ? [.. ListAt(MapAt(template, "spec"), "containers"), .. ListAt(MapAt(template, "spec"), "initContainers")]
            : [];

    public override string ToString() => Id;
}
