using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Audit;

/// <summary>
/// What the current request acted on, for its audit entry (scoped per request): the store it aimed at, however that
/// ended, and each store an owner's cross-store view read. Filled by the tenant middleware, the platform and
/// cross-store doors and the audit endpoints; read by <see cref="AuditMiddleware"/> once the response is known.
/// </summary>
public sealed class RequestAudit
{
    private readonly List<TenantId> _crossStoreReads = [];

    /// <summary>The store the request aimed at, if any; the platform trail gets the entry otherwise.</summary>
    public TenantId? Store { get; private set; }

    /// <summary>How <see cref="Store"/> was chosen (see <see cref="AuditVia"/>).</summary>
    public string Via { get; private set; } = AuditVia.Platform;

    public IReadOnlyList<TenantId> CrossStoreReads => _crossStoreReads;

    public void Target(TenantId store, string via)
    {
        Store = store;
        Via = via;
    }

    public void CrossStoreRead(TenantId store) => _crossStoreReads.Add(store);
}

/// <summary>How an audited request picked its store.</summary>
public static class AuditVia
{
    public const string Host = "host";
    public const string TenantHeader = "x-tenant-id";
    public const string CrossStore = "cross-store";
    public const string Platform = "platform";
}
