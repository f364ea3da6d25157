using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using MultiStore.Grains.Diagnostics;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Persistence;
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

    /// <summary>Most stream histories one read carries.</summary>
    public const int MaxLoadsPerRoundTrip = 256;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly ILogger<PostgresStockJournal> _logger;
    private readonly RoundTripBatcher<PendingAppend> _appends;
    private readonly RoundTripBatcher<PendingLoad> _loads;

    public PostgresStockJournal(NpgsqlDataSource dataSource, string serviceId, ILogger<PostgresStockJournal> logger)
    {
        _dataSource = dataSource;
        _serviceId = serviceId;
        _logger = logger;
        // Every reservation waits on this writer's round trip: it runs on a thread of its own (see RoundTripBatcher).
        // A commit under way when the silo stops is finished rather than abandoned, so it takes no cancellation.
        // A batch whose predecessor is in the transaction being built waits for the next one: its fate depends on it.
        _appends = new RoundTripBatcher<PendingAppend>(
            MaxAppendsPerTransaction, (group, _) => WriteGroup(group), "MultiStore stock journal writer", isReady: append => !append.Batch.WaitsForPredecessor);
        _loads = new RoundTripBatcher<PendingLoad>(MaxLoadsPerRoundTrip, LoadGroupAsync);
    }

    /// <inheritdoc />
    public Task<StockJournalHistory> LoadAsync(string stream, CancellationToken cancellationToken = default)
    {
        var load = new PendingLoad(stream);
        _loads.Enqueue(load);
        return load.Done.Task;
    }

    /// <inheritdoc />
    public void Write(OpenStockBatch batch) => _appends.Enqueue(new PendingAppend(batch));

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

    /// <inheritdoc />
    /// <remarks>
    /// A share is taken by <c>hashtext</c> of the stream, PostgreSQL's own string hash: every silo asks the same
    /// database, so every silo computes it alike. The due index yields rows earliest first and the share filters
    /// them, so a share of n reads about n times the rows it returns.
    /// </remarks>
    public async Task<IReadOnlyList<DueWakeUp>> DueAsync(DateTimeOffset by, int take, WakeUpShare? share = null, CancellationToken cancellationToken = default)
    {
        var (index, count) = share ?? WakeUpShare.All;
        await using var read = _dataSource.CreateCommand(
            """
            SELECT stream, version, CASE WHEN failed_version = version THEN failures ELSE 0 END
            FROM multistore_stock_wakeups
            WHERE service_id = @service AND wake_at <= @by AND (@count = 1 OR (hashtext(stream) & 2147483647) % @count = @index)
            ORDER BY wake_at
            LIMIT @take
            """);
        read.Parameters.AddWithValue("service", _serviceId);
        read.Parameters.AddWithValue("by", by);
        read.Parameters.AddWithValue("count", count);
        read.Parameters.AddWithValue("index", index);
        read.Parameters.AddWithValue("take", take);
        var due = new List<DueWakeUp>();
        await using var reader = await read.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            due.Add(new DueWakeUp(reader.GetString(0), reader.GetInt64(1), reader.GetInt32(2)));
        }

        return due;
    }

    /// <inheritdoc />
    public async Task PostponeAsync(IReadOnlyList<PostponedWakeUp> wakeUps, CancellationToken cancellationToken = default)
    {
        if (wakeUps.Count == 0)
        {
            return;
        }

        // The version condition is the same fence as the journal's upsert: a batch that wrote a newer wake-up time
        // while the wake was failing (the entry did wake after all) keeps it.
        await using var update = _dataSource.CreateCommand(
            """
            UPDATE multistore_stock_wakeups w
            SET wake_at = p.at, failures = p.f, failed_version = p.v
            FROM unnest(@streams, @versions, @failures, @ats) AS p(s, v, f, at)
            WHERE w.service_id = @service AND w.stream = p.s AND w.version = p.v
            """);
        update.Parameters.AddWithValue("service", _serviceId);
        update.Parameters.Add(PostgresArrays.Of("streams", NpgsqlDbType.Text, wakeUps.Select(wakeUp => wakeUp.Stream)));
        update.Parameters.Add(PostgresArrays.Of("versions", NpgsqlDbType.Bigint, wakeUps.Select(wakeUp => wakeUp.Version)));
        update.Parameters.Add(PostgresArrays.Of("failures", NpgsqlDbType.Integer, wakeUps.Select(wakeUp => wakeUp.Failures)));
        update.Parameters.Add(PostgresArrays.Of("ats", NpgsqlDbType.TimestampTz, wakeUps.Select(wakeUp => wakeUp.RetryAt)));
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _appends.DisposeAsync();
        await _loads.DisposeAsync();
    }

    /// <summary>
    /// Loads the history of every stream of the group in one statement: activating many entries at once (a sale
    /// opening, a silo restart, a spread of shoppers) is bound by round trips. One statement is also one MVCC
    /// snapshot: each stream's batches read are exactly those after the snapshot read with them, even if another
    /// activation writes a newer snapshot meanwhile.
    /// </summary>
    private async Task LoadGroupAsync(List<PendingLoad> group, CancellationToken cancellationToken)
    {
        await using var read = _dataSource.CreateCommand(
            """
            WITH snapshot AS (
              SELECT stream, version, snapshot FROM multistore_stock_snapshots WHERE service_id = $1 AND stream = ANY($2))
            SELECT stream, 0 AS part, version, snapshot::text FROM snapshot
            UNION ALL
            SELECT b.stream, 1, b.version, b.changes FROM multistore_stock_batches b
            LEFT JOIN snapshot s ON s.stream = b.stream
            WHERE b.service_id = $1 AND b.stream = ANY($2) AND b.version > coalesce(s.version, 0)
            ORDER BY 1, 2, 3
            """);
        read.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _serviceId });
        read.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. group.Select(load => load.Stream).Distinct(StringComparer.Ordinal)] });

        var histories = new Dictionary<string, HistoryReader>(StringComparer.Ordinal);
        await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var stream = reader.GetString(0);
                if (!histories.TryGetValue(stream, out var history))
                {
                    histories[stream] = history = new HistoryReader();
                }

                history.Add(isSnapshot: reader.GetInt32(1) == 0, reader.GetInt64(2), reader.GetString(3));
            }
        }

        foreach (var load in group)
        {
            load.Done.TrySetResult(histories.TryGetValue(load.Stream, out var history) ? history.ToHistory() : new StockJournalHistory(null, 0, [], 0));
        }
    }

    /// <summary>
    /// Seals the group's batches, commits them and tells each whether it won its version. A batch whose predecessor
    /// failed is refused without being sent (<see cref="OpenStockBatch.TakeForWriting"/>). Sealing happens here, as late as possible, so that every change an entry
    /// decided while the previous transaction was in flight travels in this one.
    /// </summary>
    private void WriteGroup(List<PendingAppend> group)
    {
        var started = Stopwatch.GetTimestamp();
        var batches = new List<StockJournalBatch>(group.Count);
        var sent = new List<OpenStockBatch>(group.Count);
        var versions = new HashSet<(string Stream, long Version)>(group.Count);
        foreach (var open in group.Select(append => append.Batch))
        {
            if (open.TakeForWriting() is not { } batch)
            {
                continue;
            }

            if (!versions.Add((batch.Stream, batch.Version)))
            {
                // Two activations of one entry on this silo (one still draining, one new) want the same version. The
                // statement's fence would let one row in and report both positions written, so the later one loses
                // here, as it would against a row already in the table.
                open.Fail(new StockJournalConflictException(batch.Stream, batch.Version));
                continue;
            }

            batches.Add(batch);
            sent.Add(open);
        }

        if (batches.Count == 0)
        {
            return;
        }

        bool[] written;
        try
        {
            written = Commit(batches);
        }
        catch (Exception exception)
        {
            // Nothing of this transaction is durable: the batcher fails every caller in it, none is acknowledged.
            MultiStoreMetrics.Stock.RecordJournalWrite([.. batches.Select(batch => batch.Changes.Count)], started, succeeded: false);
            _logger.LogWarning(exception, "Stock journal transaction of {Count} batches failed", batches.Count);
            _dataSource.ReplaceConnectionsAfter(exception);
            if (batches.Count > 1 && IsRefusedValue(exception))
            {
                CommitApart(batches, sent, exception);
                return;
            }

            throw;
        }

        Answer(sent, written, started, batches);
    }

    /// <summary>
    /// A value PostgreSQL refuses (text it cannot store, a field past its limit) fails the whole statement, and so every
    /// entry that shared the transaction. Those entries did nothing wrong: the halves are committed apart, down to the
    /// refused batch alone, which alone fails. The statement was refused, so nothing of it is durable and each batch is
    /// sent again with its own version fence.
    /// </summary>
    private void CommitApart(List<StockJournalBatch> batches, List<OpenStockBatch> sent, Exception refusal)
    {
        if (batches.Count == 1)
        {
            _logger.LogError(refusal, "Stock journal refused the batch of {Stream} at version {Version}", batches[0].Stream, batches[0].Version);
            sent[0].Fail(refusal);
            return;
        }

        var half = batches.Count / 2;
        foreach (var (part, owners) in new[] { (batches[..half], sent[..half]), (batches[half..], sent[half..]) })
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                Answer(owners, Commit(part), started, part);
            }
            catch (Exception exception)
            {
                MultiStoreMetrics.Stock.RecordJournalWrite([.. part.Select(batch => batch.Changes.Count)], started, succeeded: false);
                _dataSource.ReplaceConnectionsAfter(exception);
                if (IsRefusedValue(exception))
                {
                    CommitApart(part, owners, exception);
                }
                else
                {
                    // PostgreSQL or the connection failed for another reason: these batches fail as the whole group would.
                    owners.ForEach(owner => owner.Fail(exception));
                }
            }
        }
    }

    /// <summary>
    /// Whether one of the statement's values was refused, rather than the statement failing as a whole: by PostgreSQL
    /// (classes 22 and 54), or by its client before sending (text it cannot encode, such as half of a two-part character).
    /// </summary>
    private static bool IsRefusedValue(Exception exception) =>
        exception is EncoderFallbackException
        || (exception is PostgresException { SqlState: var state } && (state.StartsWith("22", StringComparison.Ordinal) || state.StartsWith("54", StringComparison.Ordinal)));

    private static void Answer(List<OpenStockBatch> sent, bool[] written, long started, List<StockJournalBatch> batches)
    {
        for (var i = 0; i < sent.Count; i++)
        {
            if (written[i])
            {
                sent[i].Complete();
            }
            else
            {
                sent[i].Fail(new StockJournalConflictException(sent[i].Stream, sent[i].Version));
            }
        }

        // After the callers are answered: measuring must not delay an acknowledgement.
        MultiStoreMetrics.Stock.RecordJournalWrite([.. batches.Select(batch => batch.Changes.Count)], started, succeeded: true);
    }

    /// <summary>
    /// Writes a group in one statement — so in one round trip, its own transaction, committed (and, with
    /// synchronous_commit on, flushed) before PostgreSQL answers — and answers which (stream, version) rows were new
    /// and so written, by their place in the group (so no stream name is sent back and decoded). The batches' insert
    /// is the fence: a version that exists is skipped, and only the batches that won their version bring their ledger
    /// lines and snapshots along (the joins on <c>written</c>).
    /// </summary>
    private bool[] Commit(List<StockJournalBatch> group)
    {
        var lines = new List<(string Stream, long Version, LedgerEntry Line)>();
        var snapshots = new List<StockJournalBatch>();
        var wakeUps = new List<StockJournalBatch>();
        foreach (var batch in group)
        {
            foreach (var line in batch.Ledger)
            {
                lines.Add((batch.Stream, batch.Version, line));
            }

            if (batch.Snapshot is not null)
            {
                snapshots.Add(batch);
            }

            if (batch.WakeUp is not null)
            {
                wakeUps.Add(batch);
            }
        }

        using var command = _dataSource.CreateCommand(
            """
            WITH written AS (
              INSERT INTO multistore_stock_batches (service_id, stream, version, changes)
              SELECT @service, s, v, c FROM unnest(@streams, @versions, @changes) AS t(s, v, c)
              ON CONFLICT DO NOTHING
              RETURNING stream, version),
            ledger AS (
              INSERT INTO multistore_stock_ledger (service_id, stream, sequence, at, kind, delta, on_hand_after, reason, actor, reservation_id)
              SELECT @service, l.s, l.seq, l.at, l.kind, l.delta, l.after, l.reason, l.actor, l.reservation
              FROM unnest(@l_streams, @l_versions, @l_sequences, @l_ats, @l_kinds, @l_deltas, @l_after, @l_reasons, @l_actors, @l_reservations)
                AS l(s, v, seq, at, kind, delta, after, reason, actor, reservation)
              JOIN written w ON w.stream = l.s AND w.version = l.v),
            snapshots AS (
              INSERT INTO multistore_stock_snapshots (service_id, stream, version, snapshot)
              SELECT @service, n.s, n.v, n.j::jsonb
              FROM unnest(@s_streams, @s_versions, @s_snapshots) AS n(s, v, j)
              JOIN written w ON w.stream = n.s AND w.version = n.v
              ON CONFLICT (service_id, stream) DO UPDATE SET version = excluded.version, snapshot = excluded.snapshot
              WHERE multistore_stock_snapshots.version < excluded.version),
            wakeups AS (
              INSERT INTO multistore_stock_wakeups (service_id, stream, version, wake_at)
              SELECT @service, u.s, u.v, u.at
              FROM unnest(@u_streams, @u_versions, @u_ats) AS u(s, v, at)
              JOIN written w ON w.stream = u.s AND w.version = u.v
              ON CONFLICT (service_id, stream) DO UPDATE SET version = excluded.version, wake_at = excluded.wake_at
              WHERE multistore_stock_wakeups.version < excluded.version)
            SELECT (t.i - 1)::int FROM unnest(@streams, @versions) WITH ORDINALITY AS t(s, v, i)
            JOIN written w ON w.stream = t.s AND w.version = t.v
            """);
        var parameters = command.Parameters;
        parameters.AddWithValue("service", _serviceId);
        parameters.Add(PostgresArrays.Of("streams", NpgsqlDbType.Text, group.Select(batch => batch.Stream)));
        parameters.Add(PostgresArrays.Of("versions", NpgsqlDbType.Bigint, group.Select(batch => batch.Version)));
        parameters.Add(PostgresArrays.Of("changes", NpgsqlDbType.Text, group.Select(batch => JsonSerializer.Serialize(batch.Changes, StockJournalJson.Default.IReadOnlyListStockChange))));
        parameters.Add(PostgresArrays.Of("l_streams", NpgsqlDbType.Text, lines.Select(l => l.Stream)));
        parameters.Add(PostgresArrays.Of("l_versions", NpgsqlDbType.Bigint, lines.Select(l => l.Version)));
        parameters.Add(PostgresArrays.Of("l_sequences", NpgsqlDbType.Bigint, lines.Select(l => l.Line.Sequence)));
        parameters.Add(PostgresArrays.Of("l_ats", NpgsqlDbType.TimestampTz, lines.Select(l => l.Line.At)));
        parameters.Add(PostgresArrays.Of("l_kinds", NpgsqlDbType.Text, lines.Select(l => l.Line.Kind)));
        parameters.Add(PostgresArrays.Of("l_deltas", NpgsqlDbType.Integer, lines.Select(l => l.Line.Delta)));
        parameters.Add(PostgresArrays.Of("l_after", NpgsqlDbType.Integer, lines.Select(l => l.Line.OnHandAfter)));
        parameters.Add(PostgresArrays.Of("l_reasons", NpgsqlDbType.Text, lines.Select(l => l.Line.Reason)));
        parameters.Add(PostgresArrays.Of("l_actors", NpgsqlDbType.Text, lines.Select(l => l.Line.Actor)));
        parameters.Add(PostgresArrays.Of("l_reservations", NpgsqlDbType.Text, lines.Select(l => l.Line.ReservationId)));
        parameters.Add(PostgresArrays.Of("s_streams", NpgsqlDbType.Text, snapshots.Select(b => b.Stream)));
        parameters.Add(PostgresArrays.Of("s_versions", NpgsqlDbType.Bigint, snapshots.Select(b => b.Version)));
        parameters.Add(PostgresArrays.Of("s_snapshots", NpgsqlDbType.Text, snapshots.Select(b => JsonSerializer.Serialize(b.Snapshot!, StockJournalJson.Default.StockSnapshot))));
        parameters.Add(PostgresArrays.Of("u_streams", NpgsqlDbType.Text, wakeUps.Select(b => b.Stream)));
        parameters.Add(PostgresArrays.Of("u_versions", NpgsqlDbType.Bigint, wakeUps.Select(b => b.Version)));
        parameters.Add(PostgresArrays.Of("u_ats", NpgsqlDbType.TimestampTz, wakeUps.Select(b => b.WakeUp!.At)));

        var written = new bool[group.Count];
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                written[reader.GetInt32(0)] = true;
            }

            // The rows arrive before the implicit commit; closing the reader reads on to PostgreSQL's ReadyForQuery,
            // which comes only after the commit, and throws if the commit failed. Nobody is answered before that.
            reader.Close();
        }

        return written;
    }

    /// <summary>A batch in the writer's queue; failing it fails the batch (nobody in it is acknowledged).</summary>
    private sealed record PendingAppend(OpenStockBatch Batch) : IBatchedWork
    {
        public void Fail(Exception error) => Batch.Fail(error);
    }

    private sealed record PendingLoad(string Stream) : BatchedWork<StockJournalHistory>;

    /// <summary>One stream's rows as they arrive (snapshot first, then batches by version), turned into its history.</summary>
    private sealed class HistoryReader
    {
        private readonly List<StockChange> _changes = [];
        private StockSnapshot? _snapshot;
        private long _snapshotVersion;
        private long _version;

        public void Add(bool isSnapshot, long version, string json)
        {
            _version = version;
            if (isSnapshot)
            {
                _snapshotVersion = version;
                _snapshot = JsonSerializer.Deserialize(json, StockJournalJson.Default.StockSnapshot);
            }
            else
            {
                _changes.AddRange(JsonSerializer.Deserialize(json, StockJournalJson.Default.IReadOnlyListStockChange) ?? []);
            }
        }

        public StockJournalHistory ToHistory() => new(_snapshot, _snapshotVersion, _changes, _version);
    }
}
