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
                entry.WakeUpVersion = batch.Version;
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
    public Task<IReadOnlyList<DueWakeUp>> DueAsync(DateTimeOffset by, int take, WakeUpShare? share = null, CancellationToken cancellationToken = default)
    {
        var (index, count) = share ?? WakeUpShare.All;
        lock (_lock)
        {
            IReadOnlyList<DueWakeUp> due =
            [
                .. _streams
                    .Where(stream => stream.Value.WakeUpAt <= by && ShareOf(stream.Key, count) == index)
                    .OrderBy(stream => stream.Value.WakeUpAt)
                    .Take(take)
                    .Select(stream => new DueWakeUp(stream.Key, stream.Value.WakeUpVersion, stream.Value.FailuresOfWakeUp)),
            ];
            return Task.FromResult(due);
        }
    }

    /// <inheritdoc />
    public Task PostponeAsync(IReadOnlyList<PostponedWakeUp> wakeUps, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            foreach (var wakeUp in wakeUps)
            {
                if (_streams.TryGetValue(wakeUp.Stream, out var entry) && entry.WakeUpVersion == wakeUp.Version)
                {
                    entry.WakeUpAt = wakeUp.RetryAt;
                    entry.Failures = wakeUp.Failures;
                    entry.FailedVersion = wakeUp.Version;
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The share a stream falls in. Every silo of a process shares this journal, so the process's string hash is
    /// the same for all of them (it differs between processes, which never share a memory journal).
    /// </summary>
    private static int ShareOf(string stream, int count) => (StringComparer.Ordinal.GetHashCode(stream) & int.MaxValue) % count;

    private sealed class Stream
    {
        public DateTimeOffset? WakeUpAt { get; set; }

        /// <summary>The version of the batch that last wrote <see cref="WakeUpAt"/>.</summary>
        public long WakeUpVersion { get; set; }

        public int Failures { get; set; }

        /// <summary>The wake-up version <see cref="Failures"/> were counted against: a newer one counts afresh.</summary>
        public long FailedVersion { get; set; }

        public int FailuresOfWakeUp => FailedVersion == WakeUpVersion ? Failures : 0;

        public long Version { get; set; }

        public List<StockChange> ChangesAfterSnapshot { get; } = [];

        public List<LedgerEntry> Ledger { get; } = [];

        public StockSnapshot? Snapshot { get; set; }

        public long SnapshotVersion { get; set; }
    }
}
