using MultiStore.Api.Audit;
using MultiStore.Api.Onboarding;
using MultiStore.Grains.Interfaces.Analytics;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Api.Tenancy;

/// <summary>
/// The platform operator's door to the store directory. Every call runs in the platform scope of
/// <see cref="TenantContext"/> (no store), status changes clear this process's host cache at once, and the store
/// acted on is named for the request's audit entry (so it lands in that store's trail). Profiles it answers with for
/// a response show the store's live default zone and theme (<see cref="LiveStoreSettings"/>), never the onboarding ones.
/// </summary>
public sealed class PlatformGrains(IGrainFactory grains, HostTenantResolver resolver, RequestAudit audit)
{
    private ITenantDirectoryGrain Directory => grains.GetGrainByKey<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key);

    public async Task<TenantProfile> CreateAsync(TenantSpec spec, string actor)
    {
        TenantProfile profile;
        using (TenantContext.ForPlatform(actor))
        {
            try
            {
                profile = await Directory.CreateAsync(spec);
            }
            catch (StoreRuleException refused) when (refused.Code == RuleCodes.TenantExists)
            {
                // Someone else's store id: its trail shows the attempt. Any other refusal created no store to hold one.
                audit.Target(TenantId.Parse(spec.Id), AuditVia.Platform);
                throw;
            }
        }

        audit.Target(TenantId.Parse(profile.Id), AuditVia.Platform);
        resolver.Invalidate(profile.Domains);
        return profile;
    }

    /// <summary>
    /// Creates a store and fills it in the same call (catalog settings, a category template's zones, products and
    /// stock), acting for the new store as trusted onboarding code. The store answers on its domains at once. Answers the
    /// profile with the settings the store has now: a template's first zone is its default, and an onboarding asked
    /// again after the store's staff changed them shows their values.
    /// </summary>
    public async Task<TenantProfile> OnboardAsync(TenantSpec spec, OnboardingOptions options, string actor, CancellationToken ct)
    {
        var profile = await CreateAsync(spec, actor);
        var tenant = TenantId.Parse(profile.Id);
        var record = grains.GetGrainByKey<ITenantGrain>(TenantKey.For(tenant, ITenantGrain.EntityId));
        using (TenantContext.ForPlatform(actor))
        {
            // Asked again after it finished (its answer lost): the store is its staff's now, filling it again would
            // revert their changes. Asked again after a filling that failed part-way: every step is repeatable.
            if (await record.IsFilledAsync())
            {
                return await LiveStoreSettings.ApplyAsync(grains, profile);
            }
        }

        using (TenantContext.ForTenant(tenant, $"{StoreOnboarding.Actor} for {actor}"))
        {
            var store = new RequestTenant();
            store.Set(tenant);
            await StoreOnboarding.ApplyAsync(new TenantGrains(grains, store), options, ct);
        }

        using (TenantContext.ForPlatform(actor))
        {
            await record.MarkFilledAsync();
            return await LiveStoreSettings.ApplyAsync(grains, profile);
        }
    }

    /// <summary>
    /// Records that <paramref name="tenant"/> is filled without onboarding having filled it (the demo seed fills its
    /// stores itself): an onboarding sent for it later answers the store and fills nothing.
    /// </summary>
    public async Task MarkFilledAsync(TenantId tenant, string actor)
    {
        using (TenantContext.ForPlatform(actor))
        {
            await grains.GetGrainByKey<ITenantGrain>(TenantKey.For(tenant, ITenantGrain.EntityId)).MarkFilledAsync();
        }
    }

    /// <summary>
    /// The first <paramref name="limit"/> stores after <paramref name="after"/> (ordered by id), each with its live
    /// status, default zone and theme: only that page's stores are read, a bounded number at a time.
    /// </summary>
    public async Task<TenantPage> ListPageAsync(string? after, int limit, string actor)
    {
        using (TenantContext.ForPlatform(actor))
        {
            var page = await Directory.ListPageAsync(after, limit);
            return page with { Stores = await LiveStoreSettings.ApplyAsync(grains, page.Stores) };
        }
    }

    /// <summary>
    /// Every store, as <see cref="ListPageAsync"/> gives them, read from the directory page after page of
    /// <paramref name="pageSize"/>: no grain answers more than a page in one message, however many stores it holds.
    /// </summary>
    public async Task<IReadOnlyList<TenantProfile>> ListAllAsync(string actor, CancellationToken cancellationToken, int pageSize = ITenantDirectoryGrain.MaxPageSize)
    {
        using (TenantContext.ForPlatform(actor))
        {
            return await LiveStoreSettings.ApplyAsync(grains, await Directory.ListAllAsync(cancellationToken, pageSize));
        }
    }

    /// <summary>The profile of <paramref name="tenant"/> as its own record holds it, or null when no such store exists.</summary>
    public async Task<TenantProfile?> ProfileAsync(TenantId tenant, string actor)
    {
        using (TenantContext.ForPlatform(actor))
        {
            return await grains.GetGrainByKey<ITenantGrain>(TenantKey.For(tenant, ITenantGrain.EntityId)).GetAsync();
        }
    }

    /// <summary>Every store's figures of <paramref name="from"/>..<paramref name="to"/>, rolled up (a fan-out on the silo).</summary>
    public async Task<CrossStoreAnalytics> AnalyticsAsync(DateOnly from, DateOnly to, int topStores, string actor)
    {
        using (TenantContext.ForPlatform(actor))
        {
            return await grains.GetGrain<IPlatformAnalyticsGrain>(IPlatformAnalyticsGrain.Key).GetAsync(from, to, topStores);
        }
    }

    public async Task<TenantProfile> SetStatusAsync(TenantId tenant, TenantStatus status, string actor)
    {
        TenantProfile profile;
        using (TenantContext.ForPlatform(actor))
        {
            try
            {
                profile = await Directory.SetStatusAsync(tenant.Value, status);
            }
            catch (Exception failure) when (failure is not StoreRuleException { Code: RuleCodes.NotFound })
            {
                audit.Target(tenant, AuditVia.Platform);
                throw;
            }
            finally
            {
                // However the call ended: a failure may come after the store's record was written (its answer lost,
                // the directory's own write failed), and a cached status would then be served for the cache's whole
                // lifetime while the operator was told the change failed.
                resolver.InvalidateStatus(tenant.Value);
            }
        }

        // In the store's trail however it ended, unless there is no such store: one onboarded later under that id must
        // not find entries from before it existed.
        audit.Target(tenant, AuditVia.Platform);
        using (TenantContext.ForPlatform(actor))
        {
            return await LiveStoreSettings.ApplyAsync(grains, profile);
        }
    }
}
