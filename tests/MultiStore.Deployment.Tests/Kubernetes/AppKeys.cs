using System.Reflection;

namespace MultiStore.Deployment.Tests.Kubernetes;

/// <summary>
/// The configuration keys an app reads, gathered from its code rather than listed by hand: for every options class
/// with a <c>SectionName</c> constant, <c>Section:Property</c> for each settable property; every public constant
/// named <c>*Key</c> that holds a key (<c>SiloOptions.ModeKey</c>, <c>DurableStorageOptions.PostgresKey</c>...);
/// every constant named <c>*Section</c> as a prefix (<c>Orleans:Membership</c> binds a whole Orleans options class);
/// plus what the host itself reads, given by the caller.
/// </summary>
public sealed class AppKeys
{
    private readonly HashSet<string> _keys = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _prefixes = [];

    public AppKeys(IEnumerable<Assembly> assemblies, IEnumerable<string> hostKeys, IEnumerable<string> hostPrefixes)
    {
        foreach (var type in assemblies.SelectMany(assembly => assembly.GetExportedTypes()))
        {
            var constants = type.GetFields(BindingFlags.Public | BindingFlags.Static)
                .Where(field => field.IsLiteral && field.FieldType == typeof(string))
                .Select(field => (field.Name, Value: (string)field.GetRawConstantValue()!))
                .ToList();
            foreach (var (name, value) in constants)
            {
                if (name == "SectionName")
                {
                    foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
                    {
                        _keys.Add($"{value}:{property.Name}");
                    }
                }
                else if (name.EndsWith("Key", StringComparison.Ordinal) && value.Contains(':', StringComparison.Ordinal))
                {
                    _keys.Add(value);
                }
                else if (name.EndsWith("Section", StringComparison.Ordinal) && value.Contains(':', StringComparison.Ordinal))
                {
                    _prefixes.Add(value + ":");
                }
            }
        }

        _keys.UnionWith(hostKeys);
        _prefixes.AddRange(hostPrefixes);
    }

    public IReadOnlyCollection<string> Keys => _keys;

    /// <summary>True when the app reads the environment variable <paramref name="name"/> (<c>__</c> meaning <c>:</c>).</summary>
    public bool Reads(string name)
    {
        var key = name.Replace("__", ":", StringComparison.Ordinal);
        // A list is set element by element (RateLimits:TrustedProxies:0): the app reads the list.
        var last = key.LastIndexOf(':');
        if (last > 0 && key[(last + 1)..] is { Length: > 0 } index && index.All(char.IsAsciiDigit))
        {
            key = key[..last];
        }

        return _keys.Contains(key) || _prefixes.Any(prefix => key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase));
    }
}
