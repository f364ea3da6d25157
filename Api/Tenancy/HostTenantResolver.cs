using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Tenancy;

/// <summary>The outcome of resolving a Host header: a serving store, a suspended store, or no store at all.</summary>
public readonly record struct TenantResolution(TenantResolutionStatus Status, TenantId Tenant)
{
    public static TenantResolution Unknown { get; } = new(TenantResolutionStatus.Unknown, default);
}

public enum TenantResolutionStatus
{
    Unknown = 0,
    Active = 1,
    Suspended = 2,
}

/// <summary>
/// Finds the store behind a Host header through the platform's host index (<see cref="IHostNameGrain"/>), after
/// normalizing it with <see cref="HostNames"/>, the same rule the directory applies to the domains it binds, and
/// takes its status from the store's own record (<see cref="ITenantGrain"/>).
/// Fails closed: a malformed host, an IP literal, an unknown host, a binding with a bad tenant id or one naming a
/// store that does not exist or whose record does not name the host all resolve to <see cref="TenantResolution.Unknown"/>.
/// Known hosts (host → store id) and known stores (store → status and domains) are cached briefly, each keyed by its
/// normalized name only.
/// </summary>
public sealed class HostTenantResolver(IGrainFactory grains, IOptions<TenancyOptions> options) : IDisposable
{
    private const string Actor = "system:tenant-resolution";

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = options.Value.HostCacheSize });

    // Hosts found to name a store lately, kept far longer than the cache above (which a host's binding or a store's
    // status may outdate in seconds): only to tell a client over its unknown-host budget which hosts still deserve a
    // lookup. Bounded like the cache.
    private readonly MemoryCache _storeHosts = new(new MemoryCacheOptions { SizeLimit = options.Value.HostCacheSize });

    /// <summary>How long a host found to name a store counts as one (<see cref="NamedAStoreLately"/>).</summary>
    public static readonly TimeSpan StoreHostMemory = TimeSpan.FromMinutes(10);

    // Counts invalidations. A lookup caches its answer only if none happened while it asked: a lookup that read
    // "active" just before a suspension here must not put "active" back after the suspension cleared it.
    private long _invalidations;

    /// <summary>Runs between a lookup's answer and its caching; tests use it to land a change in that gap.</summary>
    internal Func<Task>? AfterLookup { get; set; }

    public async Task<TenantResolution> ResolveAsync(string? hostHeader)
    {
        if (!HostNames.TryNormalize(hostHeader, out var host))
        {
            return TenantResolution.Unknown;
        }

        if (_cache.TryGetValue(host, out TenantId tenant))
        {
            // A host only names its store; whether the store serves is its own record's to say, the one record a
            // suspension writes. Copied onto every host binding, it could stay half-applied (a binding whose write
            // failed kept serving a suspended store).
            return (await StoreAsync(tenant))?.Resolution ?? TenantResolution.Unknown;
        }

        var asked = Volatile.Read(ref _invalidations);
        var binding = await grains.GetGrainByKey<IHostNameGrain>(host).ResolveAsync();
        if (binding is null || !TenantId.TryParse(binding.TenantId, out tenant))
        {
            // Unknown hosts are not cached: arbitrary Host headers must not fill the cache.
            return TenantResolution.Unknown;
        }

        // The binding must agree with the store's record: one a failed release left behind would otherwise serve the
        // store on a domain it never named.
        var store = await StoreAsync(tenant);
        if (store is null || !store.Domains.Contains(host, StringComparer.Ordinal))
        {
            return TenantResolution.Unknown;
        }

        _storeHosts.Set(host, true, new MemoryCacheEntryOptions { SlidingExpiration = StoreHostMemory, Size = 1 });
        await RememberAsync(host, tenant, asked);
        return store.Resolution;
    }

    /// <summary>
    /// Whether <paramref name="hostHeader"/> named a store in the last <see cref="StoreHostMemory"/> (looked up here):
    /// a client out of unknown-host budget still reaches the stores it shops at.
    /// </summary>
    public bool NamedAStoreLately(string? hostHeader) =>
        HostNames.TryNormalize(hostHeader, out var host) && (_cache.TryGetValue(host, out TenantId _) || _storeHosts.TryGetValue(host, out _));

    /// <summary>
    /// The status of the store <paramref name="tenant"/> (the store a host names, or an admin's <c>X-Tenant-ID</c>
    /// switch, already checked against the token), from the store's own record: active, suspended, or unknown when no
    /// such store exists. Cached like host names.
    /// </summary>
    public async Task<TenantResolution> ResolveStoreAsync(TenantId tenant) =>
        (await StoreAsync(tenant))?.Resolution ?? TenantResolution.Unknown;

    /// <summary>The store's status and domains from its own record (null when no such store exists), cached like host names.</summary>
    private async Task<StoreEntry?> StoreAsync(TenantId tenant)
    {
        var key = StoreKey(tenant.Value);
        if (_cache.TryGetValue(key, out StoreEntry? cached))
        {
            return cached;
        }

        var asked = Volatile.Read(ref _invalidations);
        TenantProfile? profile;
        // The store's own profile is readable by any caller acting for the store; no permission is needed or given.
        using (TenantContext.ForCaller(tenant, Actor, []))
        {
            profile = await grains.GetGrainByKey<ITenantGrain>(TenantKey.For(tenant, ITenantGrain.EntityId)).GetAsync();
        }

        if (profile is null)
        {
            return null;
        }

        var entry = new StoreEntry(
            new TenantResolution(profile.Status == TenantStatus.Active ? TenantResolutionStatus.Active : TenantResolutionStatus.Suspended, tenant),
            profile.Domains);
        await RememberAsync(key, entry, asked);
        return entry;
    }

    /// <summary>
    /// Whether a store is onboarded under <paramref name="tenant"/>, asked of the platform directory: one grain that
    /// holds every store id, so a made-up id costs the same as a real one and wakes no grain of its own. Not cached.
    /// </summary>
    public async Task<bool> IsOnboardedAsync(TenantId tenant)
    {
        using (TenantContext.ForPlatform(Actor))
        {
            return await grains.GetGrainByKey<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).ContainsAsync(tenant.Value);
        }
    }

    /// <summary>
    /// Forgets the cached status of <paramref name="tenantId"/> (after a status change made here). Its hosts keep their
    /// cached store: a host only names the store, whose status every resolution reads under the store's own key.
    /// </summary>
    public void InvalidateStatus(string tenantId)
    {
        Interlocked.Increment(ref _invalidations);
        _cache.Remove(StoreKey(tenantId));
    }

    /// <summary>Forgets the cached store of <paramref name="domains"/> (after an onboarding made here).</summary>
    public void Invalidate(IEnumerable<string> domains)
    {
        Interlocked.Increment(ref _invalidations);
        foreach (var domain in domains)
        {
            if (HostNames.TryNormalize(domain, out var host))
            {
                _cache.Remove(host);
            }
        }
    }

    public void Dispose()
    {
        _cache.Dispose();
        _storeHosts.Dispose();
    }

    /// <summary>
    /// Caches what a lookup that started at invalidation count <paramref name="asked"/> found, unless an invalidation
    /// came since. Checked again after the write: an invalidation counts before it removes, so one that lands between
    /// the first check and the write either removes the entry itself or is seen here.
    /// </summary>
    private async Task RememberAsync<T>(string key, T value, long asked)
    {
        if (AfterLookup is { } hook)
        {
            await hook();
        }

        var ttl = options.Value.HostCacheTtl;
        if (ttl <= TimeSpan.Zero || Volatile.Read(ref _invalidations) != asked)
        {
            return;
        }

        _cache.Set(key, value, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = ttl, Size = 1 });
        if (Volatile.Read(ref _invalidations) != asked)
        {
            _cache.Remove(key);
        }
    }

    /// <summary>What a store's record says for resolution: its status, and the domains it names.</summary>
    private sealed record StoreEntry(TenantResolution Resolution, IReadOnlyList<string> Domains);

    // Host names never contain ':', so store ids and hosts share the cache without colliding.
    private static string StoreKey(string tenantId) => "store:" + tenantId;
}
