using Microsoft.Extensions.Logging;
using MultiStore.Grains.Interfaces.Analytics;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;
using Orleans.Concurrency;

namespace MultiStore.Grains.Analytics;

/// <inheritdoc cref="IPlatformAnalyticsGrain" />
/// <remarks>
/// A fan-out rather than a platform-wide aggregate grain: the stores' grains already hold exact, idempotent figures,
/// a second copy fed by every store would be one more write per order on a single hot grain, and reading a thousand
/// in-memory grains in parallel takes milliseconds (see the README for the measured figures).
/// </remarks>
[StatelessWorker]
public sealed class PlatformAnalyticsGrain(ILogger<PlatformAnalyticsGrain> logger) : Grain, IPlatformAnalyticsGrain
{
    /// <inheritdoc />
    public async Task<CrossStoreAnalytics> GetAsync(DateOnly from, DateOnly to, int topStores)
    {
        // The stores' grains would refuse anyone else one by one; refusing here says so once.
        if (!TenantContext.IsPlatform)
        {
            throw new TenantIsolationException("Platform analytics are for platform operators.");
        }

        StoreAnalyticsRules.EnsureRange(from, to);
        var stores = await GrainFactory.GetGrainByKey<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).ListAllAsync();
        var figures = await stores.ReadEachAsync(IPlatformAnalyticsGrain.MaxConcurrentReads, async store =>
        {
            try
            {
                var key = TenantKey.For(TenantId.Parse(store.Id), IStoreAnalyticsGrain.EntityId);
                return await GrainFactory.GetGrainByKey<IStoreAnalyticsGrain>(key).GetAsync(from, to, topSkus: 0);
            }
            catch (Exception failure) when (failure is not TenantIsolationException)
            {
                // One store that does not answer (its silo just left) must not hide the other 999.
                logger.LogWarning(failure, "Analytics of store {Store} could not be read", store.Id);
                return (StoreAnalytics?)null;
            }
        });

        var read = stores.Select((store, index) => (store.Id, Figures: figures[index]))
            .Where(store => store.Figures is not null)
            .Select(store => (store.Id, store.Figures!));
        var unavailable = stores.Where((_, index) => figures[index] is null).Select(store => store.Id).ToList();
        return CrossStoreAnalytics.Combine(from, to, read, unavailable, topStores);
    }
}
