using System.Security.Claims;
using MultiStore.Api.Audit;
using MultiStore.Api.Auth;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Tenancy;

/// <summary>
/// The owner's cross-store view: the only door through which one request reads several stores. The stores come from
/// the token alone (its <c>owner</c> grants, never a route value or the Host), and each store is read in its own
/// tenant scope, with the permissions the token holds there, through a <see cref="TenantGrains"/> bound to it, so the
/// silo's isolation and permission checks apply to every read as if it were a request of that store. Each existing
/// store read gets an entry in its own audit trail.
/// </summary>
public sealed class OwnedStores(IGrainFactory grains, RequestAudit audit)
{
    /// <summary>One owned store read: its profile (null when the store does not exist) and what the read returned.</summary>
    public sealed record StoreRead<T>(TenantId Tenant, TenantProfile? Profile, T? Value);

    /// <summary>The stores <paramref name="user"/> owns, ordered by id.</summary>
    public static IReadOnlyList<TenantId> Of(ClaimsPrincipal user)
    {
        var stores = user.StoresWhere(StoreRoles.Owner);
        return stores.Count <= StoreGrants.MaxStoresPerToken
            ? stores
            : throw new StoreRuleException(RuleCodes.InvalidTenant, $"A cross-store view covers at most {StoreGrants.MaxStoresPerToken} stores; this token owns {stores.Count}.");
    }

    /// <summary>
    /// Runs <paramref name="read"/> for every owned store that exists and is active (suspended stores are listed with
    /// their profile but not read), one store at a time, each in that store's own scope.
    /// </summary>
    public Task<IReadOnlyList<StoreRead<T>>> ReadEachAsync<T>(ClaimsPrincipal user, Func<TenantGrains, Task<T>> read) =>
        ReadEachAsync(user, read, liveSettings: false);

    /// <summary>
    /// The owned stores that exist, ordered by id, suspended ones included, each profile with the store's live default
    /// zone and theme (<see cref="LiveStoreSettings"/>), read in the store's own scope like every other read here.
    /// </summary>
    public async Task<IReadOnlyList<TenantProfile>> ProfilesAsync(ClaimsPrincipal user)
    {
        var reads = await ReadEachAsync(user, _ => Task.FromResult(true), liveSettings: true);
        return [.. reads.Select(read => read.Profile).OfType<TenantProfile>()];
    }

    private async Task<IReadOnlyList<StoreRead<T>>> ReadEachAsync<T>(ClaimsPrincipal user, Func<TenantGrains, Task<T>> read, bool liveSettings)
    {
        var results = new List<StoreRead<T>>();
        foreach (var tenant in Of(user))
        {
            using (TenantContext.ForCaller(tenant, user.ActorName(), user.PermissionsIn(tenant)))
            {
                var store = new RequestTenant();
                store.Set(tenant);
                var tenantGrains = new TenantGrains(grains, store);
                var profile = await tenantGrains.Store().GetAsync();
                // A store that does not exist (yet) gets no trail: a token may name any id, and a store onboarded
                // later under it must not inherit entries from before it existed. The platform's trail keeps the
                // request when no named store exists.
                if (profile is not null)
                {
                    audit.CrossStoreRead(tenant);
                    if (liveSettings)
                    {
                        profile = await LiveStoreSettings.ApplyAsync(grains, profile);
                    }
                }

                var value = profile is { Status: TenantStatus.Active } ? await read(tenantGrains) : default;
                results.Add(new StoreRead<T>(tenant, profile, value));
            }
        }

        return results;
    }
}
