using YamlDotNet.RepresentationModel;

namespace MultiStore.Deployment.Tests.Kubernetes;

/// <summary>
/// YAML documents as plain trees: mappings become <see cref="Dictionary{TKey,TValue}"/> of string to node, sequences
/// <see cref="List{T}"/>, scalars strings (so <c>8080</c> and <c>"8080"</c> read the same, as they mostly do for
/// Kubernetes). Empty documents are skipped.
/// </summary>
public static class Yaml
{
    public static IReadOnlyList<Dictionary<string, object?>> LoadAll(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return [.. stream.Documents.Select(document => Convert(document.RootNode)).OfType<Dictionary<string, object?>>()];
    }

    public static IReadOnlyList<Dictionary<string, object?>> LoadFile(string path) => LoadAll(File.ReadAllText(path));

    private static object? Convert(YamlNode node) => node switch
    {
        YamlMappingNode mapping => mapping.Children.ToDictionary(pair => ((YamlScalarNode)pair.Key).Value!, pair => Convert(pair.Value), StringComparer.Ordinal),
        YamlSequenceNode sequence => sequence.Children.Select(Convert).ToList(),
        YamlScalarNode scalar => scalar.Value is "~" or "null" && scalar.Style == YamlDotNet.Core.ScalarStyle.Plain ? null : scalar.Value,
        _ => null,
    };

    /// <summary>A deep copy, so a patch never changes the tree it was read from.</summary>
    public static object? Clone(object? node) => node switch
    {
        Dictionary<string, object?> map => map.ToDictionary(pair => pair.Key, pair => Clone(pair.Value), StringComparer.Ordinal),
        List<object?> list => list.Select(Clone).ToList(),
        _ => node,
    };
}
