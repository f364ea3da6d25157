using System.Security.Claims;
using MultiStore.Api.Audit;
using MultiStore.Api.Auth;
using MultiStore.Api.Problems;
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
    /// <summary>
    /// One owned store read: its profile (null when the store does not exist, or could not be read) and what the read
    /// returned; <paramref name="Unavailable"/> when the cluster could not answer for the store.
    /// </summary>
    public sealed record StoreRead<T>(TenantId Tenant, TenantProfile? Profile, T? Value, bool Unavailable = false);

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
        ReadEachAsync(user, read, liveSettings: false, toleratesUnavailable: false);

    /// <summary>
    /// <see cref="ReadEachAsync{T}(ClaimsPrincipal, Func{TenantGrains, Task{T}})"/> for a view that can show the
    /// rest: a store the cluster cannot read right now (<see cref="ClusterUnavailable"/>: its silo just left, its
    /// storage failed) is marked <see cref="StoreRead{T}.Unavailable"/> instead of failing the whole request, so one
    /// store's trouble does not hide the owner's other stores.
    /// </summary>
    public Task<IReadOnlyList<StoreRead<T>>> ReadEachAvailableAsync<T>(ClaimsPrincipal user, Func<TenantGrains, Task<T>> read) =>
        ReadEachAsync(user, read, liveSettings: false, toleratesUnavailable: true);

    /// <summary>
    /// The owned stores that exist, ordered by id, suspended ones included, each profile with the store's live default
    /// zone and theme (<see cref="LiveStoreSettings"/>), read in the store's own scope like every other read here.
    /// </summary>
    public async Task<IReadOnlyList<TenantProfile>> ProfilesAsync(ClaimsPrincipal user)
    {
        var reads = await ReadEachAsync(user, _ => Task.FromResult(true), liveSettings: true, toleratesUnavailable: false);
        return [.. reads.Select(read => read.Profile).OfType<TenantProfile>()];
    }

    private async Task<IReadOnlyList<StoreRead<T>>> ReadEachAsync<T>(ClaimsPrincipal user, Func<TenantGrains, Task<T>> read, bool liveSettings, bool toleratesUnavailable)
    {
        var results = new List<StoreRead<T>>();
        foreach (var tenant in Of(user))
        {
            try
            {
                results.Add(await ReadOneAsync(user, tenant, read, liveSettings));
            }
            catch (Exception failure) when (toleratesUnavailable && ClusterUnavailable.CauseOf(failure) is not null)
            {
                results.Add(new StoreRead<T>(tenant, Profile: null, Value: default, Unavailable: true));
            }
        }

        return results;
    }

    private async Task<StoreRead<T>> ReadOneAsync<T>(ClaimsPrincipal user, TenantId tenant, Func<TenantGrains, Task<T>> read, bool liveSettings)
    {
        using (TenantContext.ForCaller(tenant, user.ActorName(), user.PermissionsIn(tenant)))
        {
            var store = new RequestTenant();
            store.Set(tenant);
            var tenantGrains = new TenantGrains(grains, store);
            var profile = await tenantGrains.Store().GetAsync();
            if (profile is not null && liveSettings)
            {
                profile = await LiveStoreSettings.ApplyAsync(grains, profile);
            }

            var value = profile is { Status: TenantStatus.Active } ? await read(tenantGrains) : default;
            // Recorded once everything of the store was read, so a store whose figures failed (shown as unavailable)
            // is not said to have been read. A store that does not exist (yet) gets no trail: a token may name any id,
            // and a store onboarded later under it must not inherit entries from before it existed. The platform's
            // trail keeps the request when no named store exists.
            if (profile is not null)
            {
                audit.CrossStoreRead(tenant);
            }

            return new StoreRead<T>(tenant, profile, value);
        }
    }
}
