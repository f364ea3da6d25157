using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Grains.Stock.Journal;

/// <summary>
/// The embedded default's journal: everything in this process's memory, gone at exit. One instance serves every
/// silo of the process (a test cluster registers one shared instance), so an entry reactivated on another
/// in-process silo still finds its history.
/// </summary>
public sealed class MemoryStockJournal : IStockJournal
{
    private readonly Dictionary<string, Stream> _streams = [];
    private readonly Lock _lock = new();

    /// <inheritdoc />
    public Task<StockJournalHistory> LoadAsync(string stream, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (!_streams.TryGetValue(stream, out var entry))
            {
                return Task.FromResult(new StockJournalHistory(null, 0, [], 0));
            }

            return Task.FromResult(new StockJournalHistory(entry.Snapshot, entry.SnapshotVersion, [.. entry.ChangesAfterSnapshot], entry.Version));
        }
    }

    /// <inheritdoc />
    public void Write(OpenStockBatch batch)
    {
        // Written at once, so a predecessor has always finished by now.
        if (batch.TakeForWriting() is not { } sealedBatch)
        {
            return;
        }

        try
        {
            Append(sealedBatch);
            batch.Complete();
        }
        catch (StockJournalConflictException conflict)
        {
            batch.Fail(conflict);
        }
    }

    private void Append(StockJournalBatch batch)
    {
        lock (_lock)
        {
            if (!_streams.TryGetValue(batch.Stream, out var entry))
            {
                entry = new Stream();
                _streams[batch.Stream] = entry;
            }

            if (batch.Version != entry.Version + 1)
            {
                throw new StockJournalConflictException(batch.Stream, batch.Version);
            }

            entry.Version = batch.Version;
            entry.Ledger.AddRange(batch.Ledger);
            if (batch.WakeUp is { } wakeUp)
            {
                entry.WakeUpAt = wakeUp.At;
            }

            if (batch.Snapshot is null)
            {
                entry.ChangesAfterSnapshot.AddRange(batch.Changes);
            }
            else
            {
                // Changes before a snapshot are never replayed again: only the ledger keeps their story.
                entry.Snapshot = batch.Snapshot;
                entry.SnapshotVersion = batch.Version;
                entry.ChangesAfterSnapshot.Clear();
            }
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<LedgerEntry>> ReadLedgerAsync(string stream, long? before, int take, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<LedgerEntry> page = _streams.TryGetValue(stream, out var entry)
                ? [.. entry.Ledger.Where(line => before is null || line.Sequence < before).OrderByDescending(line => line.Sequence).Take(take)]
                : [];
            return Task.FromResult(page);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> DueAsync(DateTimeOffset by, int take, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            IReadOnlyList<string> due =
            [
                .. _streams.Where(stream => stream.Value.WakeUpAt <= by).OrderBy(stream => stream.Value.WakeUpAt).Take(take).Select(stream => stream.Key),
            ];
            return Task.FromResult(due);
        }
    }

    private sealed class Stream
    {
        public DateTimeOffset? WakeUpAt { get; set; }

        public long Version { get; set; }

        public List<StockChange> ChangesAfterSnapshot { get; } = [];

        public List<LedgerEntry> Ledger { get; } = [];

        public StockSnapshot? Snapshot { get; set; }

        public long SnapshotVersion { get; set; }
    }
}
