using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Grains.Stock.Journal;

/// <summary>
/// A stream's next batch while it can still grow. An entry hands it to the journal as soon as it holds a change and
/// keeps adding to it (<see cref="TryAdd"/>) until the journal seals it to write it, which the journal does as late
/// as it can: when the batch's transaction is built. A hot entry's next batch is therefore never waiting for the
/// entry to get a turn after the previous write: it is already in the journal's queue, collecting changes.
/// Adding and sealing take the batch's lock, so every change is either in the sealed batch or refused (and goes into
/// the entry's next batch).
/// </summary>
public sealed class OpenStockBatch
{
    private readonly Lock _lock = new();
    private readonly List<StockChange> _changes = [];
    private readonly List<LedgerEntry> _ledger = [];
    private readonly TaskCompletionSource _durable = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private StockSnapshot? _snapshot;
    private StockWakeUp? _wakeUp;
    private StockJournalBatch? _sealed;

    /// <param name="predecessor">
    /// The stream's batch before this one, from the same writer: the journal makes this one durable only if that one is.
    /// </param>
    public OpenStockBatch(string stream, long version, OpenStockBatch? predecessor)
    {
        Stream = stream;
        Version = version;
        Predecessor = predecessor;
    }

    public string Stream { get; }

    public long Version { get; }

    /// <summary>Completes once the batch is durable; fails if it never will be (a journal never writes a failed batch).</summary>
    public Task Durable => _durable.Task;

    /// <summary>The predecessor is still being written: the batch must wait for a later transaction.</summary>
    public bool WaitsForPredecessor => Predecessor is { Durable.IsCompleted: false };

    private OpenStockBatch? Predecessor { get; set; }

    /// <summary>A batch that is complete already (tools, tests, a second activation writing on its own).</summary>
    public static OpenStockBatch Sealed(StockJournalBatch batch)
    {
        var open = new OpenStockBatch(batch.Stream, batch.Version, predecessor: null);
        open._sealed = batch;
        return open;
    }

    /// <summary>
    /// Adds what one decision changed, unless the journal has sealed the batch (false: it goes into a new one).
    /// <paramref name="wakeUp"/>, when not null, is the entry's earliest deadline after this change; a
    /// <paramref name="snapshot"/> is the state after it, and closes the batch (nothing later may join it).
    /// </summary>
    public bool TryAdd(StockChange? change, LedgerEntry? line, StockWakeUp? wakeUp, StockSnapshot? snapshot)
    {
        lock (_lock)
        {
            if (_sealed is not null)
            {
                return false;
            }

            if (change is not null)
            {
                _changes.Add(change);
            }

            if (line is not null)
            {
                _ledger.Add(line);
            }

            _wakeUp = wakeUp ?? _wakeUp;
            if (snapshot is not null)
            {
                // Closed here, by the entry; the journal still checks the predecessor before writing it.
                _snapshot = snapshot;
                _sealed = Build();
            }

            return true;
        }
    }

    /// <summary>
    /// What a journal is to write now, sealed against further changes; null when the batch must not be written: it
    /// failed already (its entry broke before handing it over), or its predecessor did not become durable (then it
    /// fails here too, or replay would see a gap). Every journal takes batches through this one check.
    /// </summary>
    public StockJournalBatch? TakeForWriting()
    {
        if (_durable.Task.IsCompleted)
        {
            return null;
        }

        if (Predecessor is { Durable: { IsCompleted: true, IsCompletedSuccessfully: false } })
        {
            Fail(new StockJournalConflictException(Stream, Version));
            return null;
        }

        return Seal();
    }

    /// <summary>Closes the batch to further changes and answers what it holds; the same answer every time.</summary>
    private StockJournalBatch Seal()
    {
        lock (_lock)
        {
            // The predecessor's fate is known by now or checked by the writer; holding on to it would chain every
            // batch an entry ever wrote.
            Predecessor = null;
            return _sealed ??= Build();
        }
    }

    private StockJournalBatch Build() => new(Stream, Version, _changes, _ledger, _snapshot, _wakeUp);

    /// <summary>The batch is durable: its callers may be answered.</summary>
    public void Complete() => _durable.TrySetResult();

    /// <summary>The batch never will be durable; it takes no more changes.</summary>
    public void Fail(Exception error)
    {
        Seal();
        _durable.TrySetException(error);
    }
}
