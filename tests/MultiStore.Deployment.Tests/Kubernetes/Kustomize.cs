namespace MultiStore.Deployment.Tests.Kubernetes;

/// <summary>
/// Renders a kustomization the way <c>kubectl kustomize</c> does, for the features k8s/ uses and no more:
/// <c>resources</c> (files and directories with their own kustomization), <c>namespace</c>, <c>images</c>
/// (newName/newTag) and <c>patches</c> given by <c>path</c> as strategic merge patches. In those patches maps merge
/// key by key, lists of named items (containers, env, ports, volumes...) merge item by name, and any other list is
/// replaced. Anything else in a kustomization.yaml fails the render, so a feature added to k8s/ without a renderer for
/// it cannot pass unchecked. <see cref="KustomizeTests"/> compares the result with kubectl's where kubectl exists.
/// </summary>
public static class Kustomize
{
    private static readonly HashSet<string> Supported = ["apiVersion", "kind", "namespace", "resources", "images", "patches"];

    /// <summary>Kinds that live outside namespaces (the ones k8s/ has, and their neighbours).</summary>
    private static readonly HashSet<string> ClusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass", "IngressClass", "CustomResourceDefinition"];

    public static IReadOnlyList<KubeObject> Render(string directory)
    {
        var kustomization = Yaml.LoadFile(Path.Combine(directory, "kustomization.yaml")).Single();
        var unsupported = kustomization.Keys.Except(Supported).ToList();
        if (unsupported.Count > 0)
        {
            throw new NotSupportedException($"{directory}/kustomization.yaml uses {string.Join(", ", unsupported)}: teach {nameof(Kustomize)} first.");
        }

        var objects = new List<Dictionary<string, object?>>();
        foreach (var resource in Strings(kustomization, "resources"))
        {
            var path = Path.GetFullPath(Path.Combine(directory, resource));
            objects.AddRange(Directory.Exists(path)
                ? Render(path).Select(o => o.Root)
                : Yaml.LoadFile(path).Select(o => (Dictionary<string, object?>)Yaml.Clone(o)!));
        }

        foreach (var patch in KubeObject.ListAt(kustomization, "patches"))
        {
            if (patch.Keys.Any(key => key != "path"))
            {
                throw new NotSupportedException($"{directory}: only patches given by path are supported.");
            }

            foreach (var document in Yaml.LoadFile(Path.Combine(directory, (string)patch["path"]!)))
            {
                var target = new KubeObject(document);
                var matches = objects.Where(o => new KubeObject(o).Id == target.Id).ToList();
                if (matches.Count != 1)
                {
                    throw new InvalidOperationException($"{directory}: patch {patch["path"]} targets {target.Id}, which matches {matches.Count} objects.");
                }

                MergeMap(matches[0], document);
            }
        }

        if (kustomization.GetValueOrDefault("namespace") is string ns)
        {
            foreach (var o in objects.Where(o => !ClusterScoped.Contains(new KubeObject(o).Kind)))
            {
                KubeObject.MapAt(o, "metadata")["namespace"] = ns;
            }
        }

        foreach (var image in KubeObject.ListAt(kustomization, "images"))
        {
            foreach (var container in objects.SelectMany(o => new KubeObject(o).Containers))
            {
                var (name, tag) = SplitImage((string)container["image"]!);
                if (name == (string)image["name"]!)
                {
                    container["image"] = $"{image.GetValueOrDefault("newName") as string ?? name}:{image.GetValueOrDefault("newTag") as string ?? tag}";
                }
            }
        }

        return [.. objects.Select(o => new KubeObject(o))];
    }

    /// <summary>An image reference's name and tag (null when it has none); a digest stays part of the name.</summary>
    public static (string Name, string? Tag) SplitImage(string image)
    {
        var slash = image.LastIndexOf('/');
        var colon = image.LastIndexOf(':');
        return colon > slash && !image.Contains('@', StringComparison.Ordinal) ? (image[..colon], image[(colon + 1)..]) : (image, null);
    }

    private static IEnumerable<string> Strings(Dictionary<string, object?> map, string key) =>
        (map.GetValueOrDefault(key) as List<object?> ?? []).OfType<string>();

    private static void MergeMap(Dictionary<string, object?> target, Dictionary<string, object?> patch)
    {
        foreach (var (key, value) in patch)
        {
            switch (value, target.GetValueOrDefault(key))
            {
                case (Dictionary<string, object?> patchMap, Dictionary<string, object?> targetMap):
                    MergeMap(targetMap, patchMap);
                    break;
                case (List<object?> patchList, List<object?> targetList) when patchList.All(IsNamed) && targetList.All(IsNamed):
                    foreach (var item in patchList.Cast<Dictionary<string, object?>>())
                    {
                        var existing = targetList.Cast<Dictionary<string, object?>>().FirstOrDefault(t => Equals(t["name"], item["name"]));
                        if (existing is null)
                        {
                            targetList.Add(Yaml.Clone(item));
                        }
                        else
                        {
                            MergeMap(existing, item);
                        }
                    }

                    break;
                default:
                    target[key] = Yaml.Clone(value);
                    break;
            }
        }
    }

    private static bool IsNamed(object? item) => item is Dictionary<string, object?> map && map.GetValueOrDefault("name") is string;
}
