namespace MultiStore.Grains.Interfaces.Analytics;

/// <summary>
/// The platform operator's figures across every store. It keeps nothing itself: each read fans out to the stores'
/// own <see cref="IStoreAnalyticsGrain"/>s, a bounded number at a time, and rolls their answers up. It runs as a
/// stateless worker next to the caller and only for a caller acting as platform operator; the stores' grains
/// admit it through their <see cref="Tenancy.PlatformAccessAttribute"/> door, which logs each access.
/// </summary>
[Alias("multistore.IPlatformAnalyticsGrain")]
public interface IPlatformAnalyticsGrain : IGrainWithIntegerKey
{
    /// <summary>The grain's only key.</summary>
    const long Key = 0;

    /// <summary>At most this many stores are read at the same time.</summary>
    const int MaxConcurrentReads = 64;

    /// <summary>
    /// Every store's figures of the UTC days <paramref name="from"/> to <paramref name="to"/>, rolled up per currency,
    /// with the <paramref name="topStores"/> stores with the most paid orders.
    /// </summary>
    [Alias("Get")]
    Task<CrossStoreAnalytics> GetAsync(DateOnly from, DateOnly to, int topStores);
}
