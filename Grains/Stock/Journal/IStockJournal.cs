using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Grains.Stock.Journal;

/// <summary>
/// Where stock entries keep their history: numbered batches of changes per stream (the grain key, which starts
/// with the tenant), an occasional snapshot, and the ledger. A batch is written only if its version is the next
/// one of its stream: that is the fence that keeps a second activation of the same entry from acknowledging
/// anything once the first has written.
/// </summary>
public interface IStockJournal
{
    /// <summary>The latest snapshot and every batch after it.</summary>
    Task<StockJournalHistory> LoadAsync(string stream, CancellationToken cancellationToken = default);

    /// <summary>
    /// Takes a batch to make durable; changes may still join it until the journal seals it. Its
    /// <see cref="OpenStockBatch.Durable"/> completes only once it is durable, and fails with
    /// <see cref="StockJournalConflictException"/> when the stream already has a batch with this version (another
    /// activation wrote first) or when its predecessor did not become durable.
    /// </summary>
    void Write(OpenStockBatch batch);

    /// <summary>Ledger lines of the stream older than <paramref name="before"/> (all when null), newest first.</summary>
    Task<IReadOnlyList<LedgerEntry>> ReadLedgerAsync(string stream, long? before, int take, CancellationToken cancellationToken = default);

    /// <summary>
    /// Streams whose wake-up time is at or before <paramref name="by"/>, earliest first (at most
    /// <paramref name="take"/>): entries holding a reservation that is due, whether or not any silo has them active.
    /// With a <paramref name="share"/>, only the streams that fall in it (the whole service when null).
    /// </summary>
    Task<IReadOnlyList<DueWakeUp>> DueAsync(DateTimeOffset by, int take, WakeUpShare? share = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Moves the wake-up time of entries whose wake failed to their retry time and stores their failure count, each
    /// only if no batch has written a newer wake-up time since it was read (its version is still the one read).
    /// </summary>
    Task PostponeAsync(IReadOnlyList<PostponedWakeUp> wakeUps, CancellationToken cancellationToken = default);
}

/// <summary>
/// A due wake-up: the entry's stream, the version of the batch that wrote its wake-up time, and how many wakes
/// have failed since that batch (a newer wake-up time starts the count again).
/// </summary>
public sealed record DueWakeUp(string Stream, long Version, int Failures);

/// <summary>A wake that failed: the row read, its failure count now, and when to try again.</summary>
public sealed record PostponedWakeUp(string Stream, long Version, int Failures, DateTimeOffset RetryAt);

/// <summary>
/// One of <paramref name="Count"/> disjoint parts of the service's streams, chosen by a hash of the stream name that
/// every reader of one journal computes alike: silos that take different indexes of the same count read different
/// rows, and together every row.
/// </summary>
public readonly record struct WakeUpShare(int Index, int Count)
{
    /// <summary>The whole service.</summary>
    public static WakeUpShare All { get; } = new(0, 1);
}

/// <summary>One atomic write: the changes of a group commit, their ledger lines and, now and then, a snapshot.</summary>
/// <param name="Version">1 for a stream's first batch, then each batch the next number.</param>
/// <param name="Snapshot">The state after this batch, when it is time for one.</param>
/// <param name="WakeUp">When the entry must next be woken to expire a hold, if that changed with this batch.</param>
public sealed record StockJournalBatch(
    string Stream,
    long Version,
    IReadOnlyList<StockChange> Changes,
    IReadOnlyList<LedgerEntry> Ledger,
    StockSnapshot? Snapshot,
    StockWakeUp? WakeUp = null);

/// <summary>
/// The entry's earliest hold deadline after a batch (<paramref name="At"/> null: nothing held). Written in the same
/// transaction as the hold it protects, so an acknowledged reservation always leaves a durable note that wakes its
/// entry when it is due, even if every silo that knew of it is gone (see <see cref="StockWakeUpSweeper"/>).
/// </summary>
public sealed record StockWakeUp(DateTimeOffset? At);

/// <summary>What a stream holds: its latest snapshot (at <paramref name="SnapshotVersion"/>) and the later changes.</summary>
public sealed record StockJournalHistory(
    StockSnapshot? Snapshot,
    long SnapshotVersion,
    IReadOnlyList<StockChange> ChangesAfterSnapshot,
    long Version);

/// <summary>Another writer already wrote this version of the stream: this activation is stale and must stop.</summary>
public sealed class StockJournalConflictException(string stream, long version)
    : Exception($"Stock journal '{stream}' already has version {version}: another activation wrote first.");

/// <summary>Writing a complete batch and waiting for it (tools, tests, a second activation).</summary>
public static class StockJournalWriteExtensions
{
    /// <summary>Makes a batch durable; completes only once it is (see <see cref="IStockJournal.Write"/>).</summary>
    public static Task AppendAsync(this IStockJournal journal, StockJournalBatch batch)
    {
        var open = OpenStockBatch.Sealed(batch);
        journal.Write(open);
        return open.Durable;
    }
}

/// <summary>Reading a stream's state without a grain (operations tooling, tests).</summary>
public static class StockJournalHistoryExtensions
{
    /// <summary>The state the stream's snapshot and later changes add up to: what an activation would load.</summary>
    public static StockSnapshot ToState(this StockJournalHistory history)
    {
        var book = StockBook.From(history.Snapshot);
        foreach (var change in history.ChangesAfterSnapshot)
        {
            book.Apply(change);
        }

        return book.ToSnapshot();
    }
}
