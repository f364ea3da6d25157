namespace MultiStore.Grains.Interfaces.Tenancy;

/// <summary>
/// Marks a method of a tenant-scoped grain that a platform operator may call for any store.
/// This is the only cross-tenant door: the isolation filter opens it only for a caller that carries
/// the platform scope in <see cref="TenantContext"/>, and logs every such call for the audit trail.
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class PlatformAccessAttribute : Attribute
{
    /// <summary>
    /// True for store lifecycle changes (create, suspend, resume): then only a platform operator may call,
    /// not even the store itself, so a suspended store can never lift its own suspension.
    /// </summary>
    public bool PlatformOnly { get; init; }
}
