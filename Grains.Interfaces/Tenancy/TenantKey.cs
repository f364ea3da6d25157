using System.Text;

namespace MultiStore.Grains.Interfaces.Tenancy;

/// <summary>
/// The one place where a tenant-scoped grain key (<c>tenantId/entityId</c>) is built and parsed.
/// Call sites never concatenate keys themselves, so the tenant part can never be forgotten.
/// </summary>
public static class TenantKey
{
    private const char Separator = '/';

    /// <summary>Builds the key of an entity that belongs to <paramref name="tenant"/>.</summary>
    public static string For(TenantId tenant, string entityId)
    {
        if (string.IsNullOrEmpty(tenant.Value))
        {
            throw new ArgumentException("A tenant-scoped key needs a tenant.", nameof(tenant));
        }

        ArgumentException.ThrowIfNullOrEmpty(entityId);
        return string.Concat(tenant.Value, Separator.ToString(), entityId);
    }

    /// <summary>Splits a grain key into its tenant and entity parts; false when the key is not tenant-scoped.</summary>
    public static bool TryParse(string key, out TenantId tenant, out string entityId)
    {
        var separator = key.IndexOf(Separator);
        if (separator > 0 && separator < key.Length - 1 && TenantId.TryParse(key[..separator], out tenant))
        {
            entityId = key[(separator + 1)..];
            return true;
        }

        tenant = default;
        entityId = string.Empty;
        return false;
    }

    /// <summary>
    /// True when <paramref name="utf8Key"/> (a grain key as Orleans stores it) is a key of <paramref name="tenant"/>:
    /// exactly what <see cref="TryParse"/> would split into that tenant and a non-empty entity id, decided without
    /// decoding the key (the silo asks on every call). A tenant id is ASCII, so each byte is its character.
    /// </summary>
    public static bool BelongsTo(ReadOnlySpan<byte> utf8Key, TenantId tenant)
    {
        var id = tenant.Value;
        return !string.IsNullOrEmpty(id) && utf8Key.Length > id.Length + 1 && utf8Key[id.Length] == (byte)Separator
            && Ascii.Equals(utf8Key[..id.Length], id);
    }

    /// <summary>Splits a key that must be tenant-scoped (the grain's own key).</summary>
    public static (TenantId Tenant, string EntityId) Parse(string key) =>
        TryParse(key, out var tenant, out var entityId)
            ? (tenant, entityId)
            : throw new FormatException($"'{key}' is not a tenant-scoped key (tenantId/entityId).");
}
