using System.Collections.Concurrent;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Stock.Journal;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// The in-memory journal with a probe per stream a test chooses to watch: it records the batches written, can hold
/// appends behind a gate (a slow disk) or fail them (storage down), and lets a test write as a second activation.
/// Streams nobody watches behave exactly like <see cref="MemoryStockJournal"/>.
/// </summary>
public sealed class ProbeJournal : IStockJournal
{
    private readonly MemoryStockJournal _inner = new();
    private readonly ConcurrentDictionary<string, StreamProbe> _probes = new();

    public StreamProbe Watch(string stream) => _probes.GetOrAdd(stream, _ => new StreamProbe());

    /// <summary>Writes as another activation of the same entry would: straight to the journal, no probe.</summary>
    public Task WriteAsAnotherActivationAsync(StockJournalBatch batch) => _inner.AppendAsync(batch);

    public Task<StockJournalHistory> LoadAsync(string stream, CancellationToken cancellationToken = default) =>
        _inner.LoadAsync(stream, cancellationToken);

    /// <summary>
    /// A watched stream's batches are written one after another, each sealed only when the one before it is done, as
    /// the PostgreSQL journal does: while a batch is held, the entry's later changes gather in the next one.
    /// </summary>
    public void Write(OpenStockBatch batch)
    {
        if (!_probes.TryGetValue(batch.Stream, out var probe))
        {
            _inner.Write(batch);
            return;
        }

        probe.AfterEarlierWrites(async () =>
        {
            if (batch.TakeForWriting() is not { } sealedBatch)
            {
                return;
            }

            probe.Attempts.Enqueue(sealedBatch);
            await probe.WaitAsync();
            if (probe.Failing)
            {
                batch.Fail(new IOException("The journal is unreachable (test)."));
                return;
            }

            try
            {
                await _inner.AppendAsync(sealedBatch);
            }
            catch (Exception error)
            {
                batch.Fail(error);
                return;
            }

            probe.Written.Enqueue(sealedBatch);
            batch.Complete();
        });
    }

    public Task<IReadOnlyList<LedgerEntry>> ReadLedgerAsync(string stream, long? before, int take, CancellationToken cancellationToken = default) =>
        _inner.ReadLedgerAsync(stream, before, take, cancellationToken);

    public Task<IReadOnlyList<DueWakeUp>> DueAsync(DateTimeOffset by, int take, WakeUpShare? share = null, CancellationToken cancellationToken = default) =>
        _inner.DueAsync(by, take, share, cancellationToken);

    public Task PostponeAsync(IReadOnlyList<PostponedWakeUp> wakeUps, CancellationToken cancellationToken = default) =>
        _inner.PostponeAsync(wakeUps, cancellationToken);
}

/// <summary>What one watched stream saw, and the switches a test turns.</summary>
public sealed class StreamProbe
{
    private volatile TaskCompletionSource _gate = Opened();

    public ConcurrentQueue<StockJournalBatch> Attempts { get; } = new();

    public ConcurrentQueue<StockJournalBatch> Written { get; } = new();

    public volatile bool Failing;

    private readonly Lock _order = new();
    private Task _lastWrite = Task.CompletedTask;

    /// <summary>Runs a write once every earlier write of this stream has finished.</summary>
    public void AfterEarlierWrites(Func<Task> write)
    {
        lock (_order)
        {
            _lastWrite = Chain(_lastWrite, write);
        }

        static async Task Chain(Task previous, Func<Task> write)
        {
            await previous;
            await write();
        }
    }

    /// <summary>Holds every append until <see cref="Open"/>: the grain's batch stays "in flight".</summary>
    public void Close() => _gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _gate.TrySetResult();

    public Task WaitAsync() => _gate.Task;

    private static TaskCompletionSource Opened()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }
}
