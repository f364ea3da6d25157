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

    /// <summary>The tenant the current call acts for, if any.</summary>
    public static TenantId? Tenant =>
        RequestContext.Get(TenantKeyName) is string value && TenantId.TryParse(value, out var tenant) ? tenant : null;

    /// <summary>Who acts (a user id from the token, or a system actor such as <c>system:expiry</c>).</summary>
    public static string Actor => RequestContext.Get(ActorKeyName) as string ?? "anonymous";

    /// <summary>True when a platform operator acts: only <see cref="PlatformAccessAttribute"/> methods honour it.</summary>
    public static bool IsPlatform => RequestContext.Get(PlatformKeyName) is true;

    /// <summary>Acts for <paramref name="tenant"/> until the returned scope is disposed.</summary>
    public static IDisposable ForTenant(TenantId tenant, string actor) =>
        Scope.Enter(tenant.Value, actor, isPlatform: false);

    /// <summary>Acts as a platform operator (no store) until the returned scope is disposed.</summary>
    public static IDisposable ForPlatform(string actor) => Scope.Enter(tenant: null, actor, isPlatform: true);

    private sealed class Scope : IDisposable
    {
        private readonly object? _tenant = RequestContext.Get(TenantKeyName);
        private readonly object? _actor = RequestContext.Get(ActorKeyName);
        private readonly object? _platform = RequestContext.Get(PlatformKeyName);

        public static Scope Enter(string? tenant, string actor, bool isPlatform)
        {
            var scope = new Scope();
            Set(TenantKeyName, tenant);
            Set(ActorKeyName, actor);
            Set(PlatformKeyName, isPlatform ? true : null);
            return scope;
        }

        public void Dispose()
        {
            Set(TenantKeyName, _tenant);
            Set(ActorKeyName, _actor);
            Set(PlatformKeyName, _platform);
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
