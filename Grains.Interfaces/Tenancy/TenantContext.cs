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
        // A shopper holds one permission on every storefront request: that common case skips the sorting below.
        var granted = permissions is IReadOnlyList<string> { Count: 1 } one && one[0] != StorePermission.System
            ? [one[0]]
            : permissions.Where(permission => permission != StorePermission.System).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
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

    /// <summary>
    /// Sets the four keys as one change of the request context and puts back exactly what was there on dispose.
    /// <para>
    /// Why not four <see cref="RequestContext.Set"/> calls: each one copies the whole context and publishes it anew
    /// (a dictionary, an execution context, a boxed value). Every call that enters the cluster opens a scope, and so
    /// does every shared reservation call, so a scope cost eight copies per call: 7-10 % of the load generator's CPU
    /// on the many-stores spread. Orleans never changes a context once published (it copies on write), so the one
    /// in place before the scope can be kept as it is and published again.
    /// </para>
    /// </summary>
    private sealed class Scope : IDisposable
    {
        private static readonly string[] Keys = [TenantKeyName, ActorKeyName, PlatformKeyName, PermissionsKeyName];

        private readonly Dictionary<string, object>? _before;
        private readonly IEnumerable<KeyValuePair<string, object>> _published;

        private Scope(Dictionary<string, object>? before, IEnumerable<KeyValuePair<string, object>> published)
        {
            _before = before;
            _published = published;
        }

        public static Scope Enter(string? tenant, string? actor, bool isPlatform, string[]? permissions)
        {
            var before = Current();
            var values = before is null ? new Dictionary<string, object>(Keys.Length) : new Dictionary<string, object>(before);
            Put(values, TenantKeyName, tenant);
            Put(values, ActorKeyName, actor);
            Put(values, PlatformKeyName, isPlatform ? true : null);
            Put(values, PermissionsKeyName, permissions is { Length: > 0 } ? permissions : null);
            RequestContextExtensions.Import(values);
            return new Scope(before, RequestContext.Entries);
        }

        public void Dispose()
        {
            if (ReferenceEquals(RequestContext.Entries, _published))
            {
                // Nothing changed the context inside the scope: the one from before goes back as it was.
                RequestContextExtensions.Import(_before);
                return;
            }

            // Something set other keys inside the scope: they stay, and only the four keys go back.
            var values = Current() is { } current ? new Dictionary<string, object>(current) : new Dictionary<string, object>(Keys.Length);
            foreach (var key in Keys)
            {
                Put(values, key, _before?.GetValueOrDefault(key));
            }

            RequestContextExtensions.Import(values);
        }

        /// <summary>The context in place now, or null when it is empty.</summary>
        private static Dictionary<string, object>? Current() => RequestContext.Entries switch
        {
            Dictionary<string, object> { Count: > 0 } values => values,
            var entries when entries.Any() => new Dictionary<string, object>(entries),
            _ => null,
        };

        private static void Put(Dictionary<string, object> values, string key, object? value)
        {
            if (value is null)
            {
                values.Remove(key);
            }
            else
            {
                values[key] = value;
            }
        }
    }
}
