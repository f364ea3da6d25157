using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using MultiStore.Grains.Diagnostics;
using MultiStore.Grains.Interfaces.Stock;
using Npgsql;
using NpgsqlTypes;

namespace MultiStore.Grains.Stock.Journal;

/// <summary>
/// The durable journal in PostgreSQL, shared by every stock entry of a silo. Appends queue here and a single
/// writer commits whatever has queued in one transaction: one round trip carries the batches of many entries,
/// which is what lifts the silo past the ~2,000 single-row commits/s this kind of machine manages. Each entry's
/// row is still fenced on its own: a version that already exists is skipped by the insert, and only that entry's
/// caller hears of the conflict; the others in the same transaction commit normally.
/// </summary>
public sealed class PostgresStockJournal : IStockJournal, IAsyncDisposable
{
    /// <summary>Most appends one transaction carries; more wait for the next one (a bound on its size).</summary>
    public const int MaxAppendsPerTransaction = 512;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly ILogger<PostgresStockJournal> _logger;
    private readonly Channel<PendingAppend> _queue = Channel.CreateUnbounded<PendingAppend>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _writer;

    public PostgresStockJournal(NpgsqlDataSource dataSource, string serviceId, ILogger<PostgresStockJournal> logger)
    {
        _dataSource = dataSource;
        _serviceId = serviceId;
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
    }

    /// <inheritdoc />
    public async Task<StockJournalHistory> LoadAsync(string stream, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        StockSnapshot? snapshot = null;
        long snapshotVersion = 0;
        await using (var read = new NpgsqlCommand(
            "SELECT version, snapshot FROM multistore_stock_snapshots WHERE service_id = @service AND stream = @stream", connection))
        {
            read.Parameters.AddWithValue("service", _serviceId);
            read.Parameters.AddWithValue("stream", stream);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                snapshotVersion = reader.GetInt64(0);
                snapshot = JsonSerializer.Deserialize<StockSnapshot>(reader.GetString(1), Json);
            }
        }

        var changes = new List<StockChange>();
        var version = snapshotVersion;
        await using (var read = new NpgsqlCommand(
            "SELECT version, changes FROM multistore_stock_batches WHERE service_id = @service AND stream = @stream AND version > @after ORDER BY version",
            connection))
        {
            read.Parameters.AddWithValue("service", _serviceId);
            read.Parameters.AddWithValue("stream", stream);
            read.Parameters.AddWithValue("after", snapshotVersion);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                version = reader.GetInt64(0);
                changes.AddRange(JsonSerializer.Deserialize<List<StockChange>>(reader.GetString(1), Json) ?? []);
            }
        }

        return new StockJournalHistory(snapshot, snapshotVersion, changes, version);
    }

    /// <inheritdoc />
    public Task AppendAsync(StockJournalBatch batch, CancellationToken cancellationToken = default)
    {
        var pending = new PendingAppend(batch, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(PostgresStockJournal), "The stock journal is shutting down.");
        }

        return pending.Done.Task;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<LedgerEntry>> ReadLedgerAsync(string stream, long? before, int take, CancellationToken cancellationToken = default)
    {
        await using var read = _dataSource.CreateCommand(
            """
            SELECT sequence, at, kind, delta, on_hand_after, reason, actor, reservation_id
            FROM multistore_stock_ledger
            WHERE service_id = @service AND stream = @stream AND sequence < @before
            ORDER BY sequence DESC
            LIMIT @take
            """);
        read.Parameters.AddWithValue("service", _serviceId);
        read.Parameters.AddWithValue("stream", stream);
        read.Parameters.AddWithValue("before", before ?? long.MaxValue);
        read.Parameters.AddWithValue("take", take);
        var lines = new List<LedgerEntry>();
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new LedgerEntry(
                reader.GetInt64(0),
                reader.GetFieldValue<DateTimeOffset>(1),
                reader.GetString(2),
                reader.GetInt32(3),
                reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetString(7)));
        }

        return lines;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopping.CancelAsync();
        try
        {
            await _writer;
        }
        catch (OperationCanceledException)
        {
            // Stopping: whatever was queued has been failed below.
        }

        _stopping.Dispose();
    }

    private async Task WriteLoopAsync()
    {
        var group = new List<PendingAppend>(MaxAppendsPerTransaction);
        while (await _queue.Reader.WaitToReadAsync(_stopping.Token))
        {
            group.Clear();
            while (group.Count < MaxAppendsPerTransaction && _queue.Reader.TryRead(out var pending))
            {
                group.Add(pending);
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                var written = await CommitAsync(group, _stopping.Token);
                foreach (var pending in group)
                {
                    if (written.Contains((pending.Batch.Stream, pending.Batch.Version)))
                    {
                        pending.Done.TrySetResult();
                    }
                    else
                    {
                        pending.Done.TrySetException(new StockJournalConflictException(pending.Batch.Stream, pending.Batch.Version));
                    }
                }

                // After the callers are answered: measuring must not delay an acknowledgement.
                MultiStoreMetrics.Stock.RecordJournalWrite([.. group.Select(p => p.Batch.Changes.Count)], started, succeeded: true);
            }
            catch (Exception exception)
            {
                // Nothing of this transaction is durable: every caller in it hears so, none is acknowledged.
                MultiStoreMetrics.Stock.RecordJournalWrite([.. group.Select(p => p.Batch.Changes.Count)], started, succeeded: false);
                _logger.LogWarning(exception, "Stock journal transaction of {Count} batches failed", group.Count);
                foreach (var pending in group)
                {
                    pending.Done.TrySetException(exception);
                }
            }
        }
    }

    /// <summary>Writes a group in one transaction; answers which (stream, version) rows were new and so written.</summary>
    private async Task<HashSet<(string Stream, long Version)>> CommitAsync(List<PendingAppend> group, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        var written = new HashSet<(string, long)>();
        await using (var insert = new NpgsqlCommand(
            """
            INSERT INTO multistore_stock_batches (service_id, stream, version, changes)
            SELECT @service, s, v, c::jsonb FROM unnest(@streams, @versions, @changes) AS t(s, v, c)
            ON CONFLICT DO NOTHING
            RETURNING stream, version
            """,
            connection,
            transaction))
        {
            insert.Parameters.AddWithValue("service", _serviceId);
            insert.Parameters.Add(new NpgsqlParameter<string[]>("streams", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. group.Select(p => p.Batch.Stream)] });
            insert.Parameters.Add(new NpgsqlParameter<long[]>("versions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. group.Select(p => p.Batch.Version)] });
            insert.Parameters.Add(new NpgsqlParameter<string[]>("changes", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. group.Select(p => JsonSerializer.Serialize(p.Batch.Changes, Json))] });
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                written.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        // Ledger lines and snapshots only of the batches that won their version.
        var winners = group.Where(p => written.Contains((p.Batch.Stream, p.Batch.Version))).Select(p => p.Batch).ToList();
        var lines = winners.SelectMany(batch => batch.Ledger.Select(line => (batch.Stream, Line: line))).ToList();
        var snapshots = winners.Where(batch => batch.Snapshot is not null).ToList();
        if (lines.Count > 0 || snapshots.Count > 0)
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            if (lines.Count > 0)
            {
                batch.BatchCommands.Add(LedgerInsert(lines));
            }

            if (snapshots.Count > 0)
            {
                batch.BatchCommands.Add(SnapshotUpsert(snapshots));
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    private NpgsqlBatchCommand LedgerInsert(List<(string Stream, LedgerEntry Line)> lines)
    {
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO multistore_stock_ledger (service_id, stream, sequence, at, kind, delta, on_hand_after, reason, actor, reservation_id)
            SELECT @service, * FROM unnest(@streams, @sequences, @ats, @kinds, @deltas, @after, @reasons, @actors, @reservations)
            """);
        command.Parameters.AddWithValue("service", _serviceId);
        command.Parameters.Add(new NpgsqlParameter<string[]>("streams", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. lines.Select(l => l.Stream)] });
        command.Parameters.Add(new NpgsqlParameter<long[]>("sequences", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. lines.Select(l => l.Line.Sequence)] });
        command.Parameters.Add(new NpgsqlParameter<DateTimeOffset[]>("ats", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { TypedValue = [.. lines.Select(l => l.Line.At)] });
        command.Parameters.Add(new NpgsqlParameter<string[]>("kinds", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. lines.Select(l => l.Line.Kind)] });
        command.Parameters.Add(new NpgsqlParameter<int[]>("deltas", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. lines.Select(l => l.Line.Delta)] });
        command.Parameters.Add(new NpgsqlParameter<int[]>("after", NpgsqlDbType.Array | NpgsqlDbType.Integer) { TypedValue = [.. lines.Select(l => l.Line.OnHandAfter)] });
        command.Parameters.Add(new NpgsqlParameter<string?[]>("reasons", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. lines.Select(l => l.Line.Reason)] });
        command.Parameters.Add(new NpgsqlParameter<string[]>("actors", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. lines.Select(l => l.Line.Actor)] });
        command.Parameters.Add(new NpgsqlParameter<string?[]>("reservations", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. lines.Select(l => l.Line.ReservationId)] });
        return command;
    }

    private NpgsqlBatchCommand SnapshotUpsert(List<StockJournalBatch> batches)
    {
        var command = new NpgsqlBatchCommand(
            """
            INSERT INTO multistore_stock_snapshots (service_id, stream, version, snapshot)
            SELECT @service, s, v, j::jsonb FROM unnest(@streams, @versions, @snapshots) AS t(s, v, j)
            ON CONFLICT (service_id, stream) DO UPDATE SET version = excluded.version, snapshot = excluded.snapshot
            WHERE multistore_stock_snapshots.version < excluded.version
            """);
        command.Parameters.AddWithValue("service", _serviceId);
        command.Parameters.Add(new NpgsqlParameter<string[]>("streams", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. batches.Select(b => b.Stream)] });
        command.Parameters.Add(new NpgsqlParameter<long[]>("versions", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { TypedValue = [.. batches.Select(b => b.Version)] });
        command.Parameters.Add(new NpgsqlParameter<string[]>("snapshots", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = [.. batches.Select(b => JsonSerializer.Serialize(b.Snapshot, Json))] });
        return command;
    }

    private sealed record PendingAppend(StockJournalBatch Batch, TaskCompletionSource Done);
}
