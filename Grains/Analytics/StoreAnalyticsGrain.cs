using Microsoft.Extensions.Logging;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Analytics;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Orders;
using Orleans.Concurrency;

namespace MultiStore.Grains.Analytics;

/// <summary>
/// A store's figures, with group commit. Each report is counted synchronously on the in-memory view (no
/// <c>await</c> between deciding and counting, so reports never interleave inside a decision); the grain is
/// reentrant only so that reporters can wait together for one write. A reporter is answered once the write that holds
/// its report is durable; the persisted state is touched only by that one writer, between writes.
/// </summary>
[Reentrant]
public sealed class StoreAnalyticsGrain(
    [PersistentState("analytics", StorageNames.Store)] IPersistentState<AnalyticsState> analytics,
    TimeProvider time,
    ILogger<StoreAnalyticsGrain> logger) : Grain, IStoreAnalyticsGrain
{
    // Pruning walks the whole memory; hourly is often enough for windows of hours and years.
    private static readonly TimeSpan PruneEvery = TimeSpan.FromHours(1);

    // What reads and decisions see; analytics.State lags it by the reports of the write to come.
    private AnalyticsState _view = new();
    private readonly List<OrderView> _unwritten = [];
    private long _accepted;
    private long _durable;
    private Task _write = Task.CompletedTask;
    private DateTimeOffset _prunedAt;
    private Exception? _broken;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _view = analytics.State.Copy();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task RecordAsync(OrderView order)
    {
        EnsureUsable();
        if (StoreAnalyticsRules.MayCount(_view, order, Now) && StoreAnalyticsRules.Count(_view, order))
        {
            _unwritten.Add(order);
            _accepted++;
        }

        // A repeated report waits too: what it repeats may still be on its way to storage.
        await DurableAsync(_accepted);
    }

    /// <inheritdoc />
    public Task<StoreAnalytics> GetAsync(DateOnly from, DateOnly to, int topSkus) =>
        Task.FromResult(StoreAnalyticsRules.Read(_view, from, to, topSkus));

    private async Task DurableAsync(long accepted)
    {
        while (_durable < accepted)
        {
            if (_write.IsCompleted)
            {
                _write = WriteAsync();
            }

            await _write;
        }
    }

    private async Task WriteAsync()
    {
        EnsureUsable();
        var upTo = _accepted;
        foreach (var order in _unwritten)
        {
            StoreAnalyticsRules.Count(analytics.State, order);
        }

        _unwritten.Clear();
        // The first write of an activation prunes, so a state stored with a longer memory shrinks on it. Both copies
        // are pruned alike: the view equals the state here, every report being counted into both.
        if (Now - _prunedAt > PruneEvery)
        {
            _prunedAt = Now;
            StoreAnalyticsRules.Prune(analytics.State, Now);
            StoreAnalyticsRules.Prune(_view, Now);
        }

        try
        {
            await analytics.WriteStateAsync();
            _durable = upTo;
        }
        catch (Exception failure)
        {
            // The view holds reports storage may not have: no later report may be acknowledged from it. Every waiting
            // reporter fails and retries; the next activation starts again from what storage holds.
            _broken = failure;
            logger.LogWarning(failure, "Analytics write of {Grain} failed; the activation is dropped", this.GetPrimaryKeyString());
            DeactivateOnIdle();
            throw new NotDurableException("The store's figures could not be stored; report again.");
        }
    }

    private void EnsureUsable()
    {
        if (_broken is not null)
        {
            throw new NotDurableException("The store's figures are being reloaded; report again.");
        }
    }

    private DateTimeOffset Now => time.GetUtcNow();
}
