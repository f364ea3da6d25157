namespace MultiStore.Grains.Interfaces.Tenancy;

/// <summary>
/// The ambient "which store, who is asking" of a call. It lives in Orleans' <see cref="RequestContext"/>
/// (an AsyncLocal that travels with every grain call, also grain-to-grain), never in thread-static state.
/// </summary>
public static class TenantContext
{
    private const string TenantKeyName = "ms.tenant";
    private const string ActorKeyName = "ms.actor";
    private const string PlatformKeyName = "ms.platform";
    private const string PermissionsKeyName = "ms.permissions";

    /// <summary>The tenant the current call acts for, if any.</summary>
    public static TenantId? Tenant =>
        RequestContext.Get(TenantKeyName) is string value && TenantId.TryParse(value, out var tenant) ? tenant : null;

    /// <summary>Who acts (a user id from the token, or a system actor such as <c>system:expiry</c>).</summary>
    public static string Actor => RequestContext.Get(ActorKeyName) as string ?? "anonymous";

    /// <summary>True when a platform operator acts: only <see cref="PlatformAccessAttribute"/> methods honour it.</summary>
    public static bool IsPlatform => RequestContext.Get(PlatformKeyName) is true;

    /// <summary>
    /// What the caller may do in <see cref="Tenant"/> (<see cref="StorePermission"/> names); empty when nothing.
    /// The silo checks it against <see cref="RequiresPermissionAttribute"/>.
    /// </summary>
    public static IReadOnlyList<string> Permissions => PermissionArray;

    /// <summary>True when the caller holds <paramref name="permission"/> (trusted system code holds every permission).</summary>
    public static bool HasPermission(string permission)
    {
        // Asked on every call from outside the cluster: the array itself is walked (no enumerator is allocated).
        foreach (var held in PermissionArray)
        {
            if (held == StorePermission.System || string.Equals(held, permission, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string[] PermissionArray => RequestContext.Get(PermissionsKeyName) as string[] ?? [];

    /// <summary>
    /// Acts for <paramref name="tenant"/> as trusted system code of that store (grain timers and reminders, demo
    /// seeding, the audit recorder, tests), with every store permission, until the returned scope is disposed.
    /// Requests made on behalf of a person or a shopper use <see cref="ForCaller"/> instead.
    /// </summary>
    public static IDisposable ForTenant(TenantId tenant, string actor) =>
        Scope.Enter(tenant.Value, actor, isPlatform: false, [StorePermission.System]);

    /// <summary>
    /// Acts for <paramref name="tenant"/> on behalf of a caller who holds exactly <paramref name="permissions"/> there
    /// (resolved from the caller's roles in that store, or <see cref="StorePermission.Shop"/> on the storefront).
    /// </summary>
    public static IDisposable ForCaller(TenantId tenant, string actor, IEnumerable<string> permissions)
    {
        var granted = permissions.Where(permission => permission != StorePermission.System).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return Scope.Enter(tenant.Value, actor, isPlatform: false, granted);
    }

    /// <summary>Acts as a platform operator (no store, no store permission) until the returned scope is disposed.</summary>
    public static IDisposable ForPlatform(string actor) => Scope.Enter(tenant: null, actor, isPlatform: true, permissions: null);

    /// <summary>The current caller as a value, for work done later on its behalf (see <see cref="CallerContext"/>).</summary>
    public static CallerContext Capture() => new(
        RequestContext.Get(TenantKeyName) as string,
        RequestContext.Get(ActorKeyName) as string,
        IsPlatform,
        string.Join(' ', Permissions));

    /// <summary>Acts exactly as <paramref name="caller"/> did when captured, until the returned scope is disposed.</summary>
    public static IDisposable Restore(CallerContext caller) =>
        Scope.Enter(caller.Tenant, caller.Actor, caller.IsPlatform, caller.Permissions.Length == 0 ? null : caller.Permissions.Split(' '));

    private sealed class Scope : IDisposable
    {
        private readonly object? _tenant = RequestContext.Get(TenantKeyName);
        private readonly object? _actor = RequestContext.Get(ActorKeyName);
        private readonly object? _platform = RequestContext.Get(PlatformKeyName);
        private readonly object? _permissions = RequestContext.Get(PermissionsKeyName);

        public static Scope Enter(string? tenant, string? actor, bool isPlatform, string[]? permissions)
        {
            var scope = new Scope();
            Set(TenantKeyName, tenant);
            Set(ActorKeyName, actor);
            Set(PlatformKeyName, isPlatform ? true : null);
            Set(PermissionsKeyName, permissions is { Length: > 0 } ? permissions : null);
            return scope;
        }

        public void Dispose()
        {
            Set(TenantKeyName, _tenant);
            Set(ActorKeyName, _actor);
            Set(PlatformKeyName, _platform);
            Set(PermissionsKeyName, _permissions);
        }

        private static void Set(string key, object? value)
        {
            if (value is null)
            {
                RequestContext.Remove(key);
            }
            else
            {
                RequestContext.Set(key, value);
            }
        }
    }
}
