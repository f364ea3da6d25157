using System.Buffers;
using System.Diagnostics.CodeAnalysis;

namespace MultiStore.Grains.Interfaces.Tenancy;

/// <summary>
/// A store's stable identity: a lowercase slug of 2–40 characters (<c>[a-z0-9-]</c>).
/// It is separate from the host names that find the store, so domains can change without moving data.
/// </summary>
[GenerateSerializer, Immutable, Alias("multistore.TenantId")]
public readonly partial record struct TenantId
{
    private TenantId(string value) => Value = value;

    /// <summary>The slug itself, e.g. <c>fiber-x</c>.</summary>
    [Id(0)] public string Value { get; }

    /// <summary>Accepts only a well-formed slug; anything else is "no tenant", never a guess.</summary>
    public static bool TryParse([NotNullWhen(true)] string? candidate, out TenantId tenantId)
    {
        if (candidate is { Length: >= 2 and <= 40 } && !candidate.AsSpan().ContainsAnyExcept(SlugCharacters))
        {
            tenantId = new TenantId(candidate);
            return true;
        }

        tenantId = default;
        return false;
    }

    /// <summary>Parses a slug that must be valid (configuration, keys written by this code).</summary>
    public static TenantId Parse(string candidate) =>
        TryParse(candidate, out var tenantId)
            ? tenantId
            : throw new FormatException($"'{candidate}' is not a tenant id: use 2-40 characters of a-z, 0-9 and '-'.");

    public override string ToString() => Value ?? string.Empty;

    // Checked on every grain call (the caller's store), so a plain character test rather than a regular expression.
    private static readonly SearchValues<char> SlugCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");
}
