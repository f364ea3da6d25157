namespace MultiStore.Deployment.Tests.Kubernetes;

/// <summary>One environment variable of a container and where its value comes from.</summary>
/// <param name="Value">The literal value (config maps and <c>value:</c>), or null when it comes from a secret or the downward API.</param>
public sealed record EnvVar(string Name, string? Value, string Source);

/// <summary>
/// The environment a container of a rendered workload starts with, in Kubernetes' order: <c>envFrom</c> sources
/// first, then <c>env</c> entries (which win), with <c>$(NAME)</c> references resolved against what came before.
/// </summary>
public static class ContainerEnvironment
{
    public static IReadOnlyList<EnvVar> Of(Overlay overlay, Dictionary<string, object?> container)
    {
        var variables = new List<EnvVar>();
        foreach (var source in KubeObject.ListAt(container, "envFrom"))
        {
            if (source.GetValueOrDefault("configMapRef") is Dictionary<string, object?> configMap)
            {
                var name = (string)configMap["name"]!;
                variables.AddRange(overlay.ValuesOf("ConfigMap", name).Select(pair => new EnvVar(pair.Key, pair.Value, $"ConfigMap/{name}")));
            }

            if (source.GetValueOrDefault("secretRef") is Dictionary<string, object?> secret)
            {
                var name = (string)secret["name"]!;
                variables.AddRange((overlay.KeysOf("Secret", name) ?? []).Select(key => new EnvVar(key, null, $"Secret/{name}")));
            }
        }

        foreach (var entry in KubeObject.ListAt(container, "env"))
        {
            var name = (string)entry["name"]!;
            variables.RemoveAll(v => v.Name == name);
            variables.Add(entry.GetValueOrDefault("value") is string value
                ? new EnvVar(name, Expand(value, variables), "value")
                : new EnvVar(name, null, string.Join(",", KubeObject.MapAt(entry, "valueFrom").Keys)));
        }

        return variables;
    }

    /// <summary>The names a <c>$(NAME)</c> reference in <paramref name="value"/> points to.</summary>
    public static IEnumerable<string> References(string value) =>
        System.Text.RegularExpressions.Regex.Matches(value, @"\$\(([A-Za-z_][A-Za-z0-9_]*)\)").Select(m => m.Groups[1].Value);

    private static string Expand(string value, List<EnvVar> before) =>
        References(value).Aggregate(value, (text, name) =>
            before.FirstOrDefault(v => v.Name == name) is { } found ? text.Replace($"$({name})", found.Value ?? $"<{found.Source}>", StringComparison.Ordinal) : text);
}
