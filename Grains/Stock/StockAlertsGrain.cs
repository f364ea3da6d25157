using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Grains.Stock;

/// <summary>Persisted recent alerts of one store.</summary>
[GenerateSerializer, Alias("multistore.StockAlertsState")]
public sealed class StockAlertsState
{
    [Id(0)] public List<LowStockAlert> Recent { get; set; } = [];
}

/// <summary>A store's low-stock alerts: the most recent <see cref="Kept"/>, oldest dropped first.</summary>
public sealed class StockAlertsGrain([PersistentState("alerts", StorageNames.Store)] IPersistentState<StockAlertsState> alerts)
    : Grain, IStockAlertsGrain
{
    /// <summary>How many alerts a store keeps.</summary>
    public const int Kept = 500;

    /// <inheritdoc />
    public async Task RaiseAsync(LowStockAlert alert)
    {
        alerts.State.Recent.Add(alert);
        if (alerts.State.Recent.Count > Kept)
        {
            alerts.State.Recent.RemoveRange(0, alerts.State.Recent.Count - Kept);
        }

        await alerts.WriteStateAsync();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<LowStockAlert>> ListAsync(int take)
    {
        if (take is < 1 or > Kept)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"Ask for 1 to {Kept} alerts.");
        }

        return Task.FromResult<IReadOnlyList<LowStockAlert>>([.. Enumerable.Reverse(alerts.State.Recent).Take(take)]);
    }
}
