using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Audit;

namespace MultiStore.Grains.Audit;

/// <summary>A page of a trail; only its trail's grain reaches it (the call filter refuses outside callers).</summary>
public sealed class AuditPageGrain([PersistentState("audit-page", StorageNames.Store)] IPersistentState<AuditPageState> page) : Grain, IAuditPageGrain
{
    /// <inheritdoc />
    public async Task AppendAsync(AuditEntry entry)
    {
        if (page.State.Entries.ContainsKey(entry.Sequence))
        {
            return;
        }

        page.State.Entries[entry.Sequence] = entry.Record;
        await page.WriteStateAsync();
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<AuditEntry>> ReadAsync(long atMost, int take) =>
        Task.FromResult<IReadOnlyList<AuditEntry>>([.. page.State.Entries
            .Where(entry => entry.Key <= atMost)
            .Reverse()
            .Take(take)
            .Select(entry => new AuditEntry(entry.Key, entry.Value))]);

    /// <inheritdoc />
    public async Task<bool> PruneAsync(DateTimeOffset recordedBefore)
    {
        // The newest by time, not by sequence: two Api hosts' clocks may disagree a little, and no entry younger than
        // the retention may go.
        if (page.State.Entries.Count > 0 && page.State.Entries.Values.Max(record => record.At) >= recordedBefore)
        {
            return false;
        }

        if (page.RecordExists || page.State.Entries.Count > 0)
        {
            await page.ClearStateAsync();
        }

        // Nothing will read this page again.
        DeactivateOnIdle();
        return true;
    }
}
