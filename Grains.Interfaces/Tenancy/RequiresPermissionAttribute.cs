namespace MultiStore.Grains.Interfaces.Tenancy;

/// <summary>
/// Declares who may call a method of a tenant-scoped grain from outside the cluster: a caller acting for the grain's
/// store whose <see cref="TenantContext.Permissions"/> hold at least one of <see cref="AnyOf"/>. The silo's call
/// filter enforces it even when the tenant matches, so an endpoint that forgets (or gets wrong) its policy still
/// cannot write. Calls one grain makes to another on its own authority (a cart reserving stock, an order releasing
/// it at expiry) are not re-checked: the call that entered the cluster was.
/// </summary>
/// <remarks>
/// Every method of an <see cref="ITenantScopedGrain"/> must carry this attribute, <see cref="AnyStoreCallerAttribute"/>
/// or <c>[PlatformAccess(PlatformOnly = true)]</c>; a method with none is refused for every outside caller.
/// </remarks>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class RequiresPermissionAttribute(params string[] anyOf) : Attribute
{
    /// <summary>The permissions (<see cref="StorePermission"/> names) of which the caller needs one.</summary>
    public IReadOnlyList<string> AnyOf { get; } = anyOf;
}

/// <summary>
/// Declares a method of a tenant-scoped grain that any caller acting for the grain's store may call, whatever its
/// permissions (the store's public profile, which every request of the store reads).
/// </summary>
[AttributeUsage(AttributeTargets.Method, Inherited = true)]
public sealed class AnyStoreCallerAttribute : Attribute;
