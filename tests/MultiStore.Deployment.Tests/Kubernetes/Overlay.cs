using MultiStore.Deployment.Tests.Infrastructure;

namespace MultiStore.Deployment.Tests.Kubernetes;

/// <summary>A rendered overlay of k8s/ and lookups over its objects.</summary>
public sealed class Overlay
{
    /// <summary>The Secret production creates out of band; its keys are those of this template.</summary>
    public const string OutOfBandSecret = "multistore-secrets";

    private static readonly Dictionary<string, Overlay> Cache = [];

    private Overlay(string name, IReadOnlyList<KubeObject> objects)
    {
        Name = name;
        Objects = objects;
    }

    public static IEnumerable<object[]> All => [["dev"], ["prod"]];

    public string Name { get; }

    public string Directory => Repository.PathOf("k8s", "overlays", Name);

    public IReadOnlyList<KubeObject> Objects { get; }

    public IEnumerable<KubeObject> Workloads => Objects.Where(o => o.PodTemplate is not null);

    public KubeObject Silo => Single("Deployment", "multistore-silo");

    public KubeObject Api => Single("Deployment", "multistore-api");

    public static Overlay Named(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var overlay))
            {
                overlay = new Overlay(name, Kustomize.Render(Repository.PathOf("k8s", "overlays", name)));
                Cache[name] = overlay;
            }

            return overlay;
        }
    }

    public KubeObject Single(string kind, string name) =>
        Objects.SingleOrDefault(o => o.Kind == kind && o.Name == name) ?? throw new InvalidOperationException($"{Name}: no {kind}/{name}.");

    public KubeObject? Find(string kind, string name) => Objects.SingleOrDefault(o => o.Kind == kind && o.Name == name);

    /// <summary>
    /// The keys of a ConfigMap or Secret the overlay defines, or, for production's out-of-band Secret, of its template
    /// (k8s/base/secrets.example.yaml); null when neither exists.
    /// </summary>
    public IReadOnlyCollection<string>? KeysOf(string kind, string name)
    {
        var found = Find(kind, name);
        if (found is null && kind == "Secret" && name == OutOfBandSecret)
        {
            found = new KubeObject(Yaml.LoadFile(Repository.PathOf("k8s", "base", "secrets.example.yaml")).Single());
        }

        return found is null ? null : [.. found.Map("data").Keys, .. found.Map("stringData").Keys];
    }

    /// <summary>A ConfigMap's (or a Secret's stringData) values, for settings that tests compare.</summary>
    public IReadOnlyDictionary<string, string> ValuesOf(string kind, string name)
    {
        var found = Find(kind, name) ?? throw new InvalidOperationException($"{Name}: no {kind}/{name}.");
        return KubeObject.Strings(kind == "Secret" ? found.Map("stringData") : found.Map("data"));
    }

    public override string ToString() => Name;
}
