using Npgsql;
using NpgsqlTypes;
using Orleans.Storage;

namespace MultiStore.Grains.Persistence;

/// <summary>
/// Grain state for grains that every shopper creates (carts, orders): the same rows, version fence and JSON payloads
/// as the ADO.NET provider writes to <c>multistore_grain_state</c> (migration 0001), but the reads and writes of many
/// grains share one PostgreSQL round trip. A flash sale creates a cart per shopper, and one single-row read and one
/// single-row commit per cart line would cap the storefront at what this machine commits one by one.
/// <para>
/// Each write still stands alone: it lands only at the version its activation read (or, for a new row, only if no
/// one created it first), and a write that lost answers <see cref="InconsistentStateException"/> to its own caller
/// while the others of the round trip commit. Nobody is answered before the statement, and so the commit, is done.
/// </para>
/// </summary>
public sealed class BatchingGrainStorage : IGrainStorage, IAsyncDisposable
{
    /// <summary>Most reads or writes one round trip carries.</summary>
    public const int MaxPerRoundTrip = 256;

    /// <summary>Reads a group: one row per key, in the group's order (ordinal), payload and version null where none is stored.</summary>
    internal const string ReadSql =
        """
        SELECT i.ordinal, s.payload, s.version
        FROM unnest(@types, @keys) WITH ORDINALITY AS i(grain_type, grain_key, ordinal)
        LEFT JOIN LATERAL (
          SELECT payload, version FROM multistore_grain_state
          WHERE service_id = @service AND grain_type = i.grain_type AND grain_key = i.grain_key
            AND grain_n0 = 0 AND grain_n1 = 0
          LIMIT 1) s ON true
        """;

    /// <summary>
    /// Writes a group (see <see cref="WriteGroupAsync"/>) and answers each write that landed: an update by its ordinal
    /// and new version, a new row by its type and key (version 1). New rows are not joined back to the group's ordinals
    /// in SQL: PostgreSQL cannot estimate what an INSERT returns, takes it for one row and compares every new row with
    /// every input row, a nested loop that grows with the square of the group. Matched in the silo instead, the
    /// statement's time per cart in the bench's storefront sale went from 32 to 15.5 µs (46 new carts a statement).
    /// </summary>
    internal const string WriteSql =
        """
        WITH input AS (
          SELECT * FROM unnest(@types, @keys, @versions, @payloads) WITH ORDINALITY AS i(grain_type, grain_key, version, payload, ordinal)),
        found AS MATERIALIZED (
          SELECT i.ordinal, i.version, i.payload, r.row_id
          FROM input i CROSS JOIN LATERAL (
            SELECT ctid AS row_id FROM multistore_grain_state
            WHERE service_id = @service AND grain_type = i.grain_type AND grain_key = i.grain_key
              AND grain_n0 = 0 AND grain_n1 = 0
            LIMIT 1) r
          WHERE i.version IS NOT NULL),
        updated AS (
          UPDATE multistore_grain_state s
          SET payload = f.payload, version = s.version + 1, modified_at = now()
          FROM found f
          WHERE s.ctid = f.row_id AND s.version = f.version
          RETURNING f.ordinal, s.version),
        inserted AS (
          INSERT INTO multistore_grain_state (service_id, grain_type, grain_key, grain_n0, grain_n1, payload, version)
          SELECT @service, i.grain_type, i.grain_key, 0, 0, i.payload, 1 FROM input i WHERE i.version IS NULL
          ON CONFLICT ON CONSTRAINT pk_multistore_grain_state DO NOTHING
          RETURNING grain_type, grain_key, version)
        SELECT ordinal, version, NULL AS grain_type, NULL AS grain_key FROM updated
        UNION ALL
        SELECT NULL, version, grain_type, grain_key FROM inserted
        """;

    private readonly NpgsqlDataSource _dataSource;
    private readonly string _serviceId;
    private readonly IGrainStorageSerializer _serializer;
    private readonly RoundTripBatcher<PendingRead> _reads;
    private readonly RoundTripBatcher<PendingWrite> _writes;

    public BatchingGrainStorage(NpgsqlDataSource dataSource, string serviceId, IGrainStorageSerializer serializer)
    {
        _dataSource = dataSource;
        _serviceId = serviceId;
        _serializer = serializer;
        _reads = new RoundTripBatcher<PendingRead>(MaxPerRoundTrip, ReadGroupAsync);
        _writes = new RoundTripBatcher<PendingWrite>(MaxPerRoundTrip, WriteGroupAsync);
    }

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var read = new PendingRead(stateName, grainId.Key.ToString()!);
        _reads.Enqueue(read);
        var (payload, version) = await read.Done.Task;
        grainState.State = payload is null ? Activator.CreateInstance<T>() : _serializer.Deserialize<T>(new BinaryData(payload));
        grainState.ETag = version?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = payload is not null;
    }

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var payload = _serializer.Serialize(grainState.State).ToArray();
        grainState.ETag = await WriteAsync(stateName, grainId, grainState.ETag, payload);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        // Like the ADO.NET provider without DeleteStateOnClear: the row stays, empty, and its version moves on.
        grainState.ETag = await WriteAsync(stateName, grainId, grainState.ETag, payload: null);
        grainState.State = Activator.CreateInstance<T>();
        grainState.RecordExists = false;
    }

    public async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync();
        await _reads.DisposeAsync();
    }

    private async Task<string> WriteAsync(string stateName, GrainId grainId, string? etag, byte[]? payload)
    {
        int? expected = etag is null ? null : int.Parse(etag, System.Globalization.CultureInfo.InvariantCulture);
        var write = new PendingWrite(stateName, grainId.Key.ToString()!, expected, payload);
        _writes.Enqueue(write);
        var written = await write.Done.Task;
        return written?.ToString(System.Globalization.CultureInfo.InvariantCulture)
            ?? throw new InconsistentStateException(
                $"State '{stateName}' of {grainId} was written by another activation since it was read.", "unknown", etag ?? "none");
    }

    /// <summary>
    /// Each key is looked up on its own through the primary key (a LATERAL subquery with LIMIT 1, which PostgreSQL
    /// cannot fold into a plain join), whatever the table's statistics say. As a plain join, a table never analyzed yet
    /// (a new database in its first minute, or a service id the statistics have not seen) is estimated to hold one row
    /// of the service, so PostgreSQL hashed every row of the service for each round trip: 0.3 s a read at 150,000
    /// carts, measured on a fresh bench database. Writes find their rows the same way (<see cref="WriteGroupAsync"/>).
    /// </summary>
    private async Task ReadGroupAsync(List<PendingRead> group, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(ReadSql);
        command.Parameters.AddWithValue("service", _serviceId);
        command.Parameters.Add(PostgresArrays.Of("types", NpgsqlDbType.Text, group.Select(read => read.StateName)));
        command.Parameters.Add(PostgresArrays.Of("keys", NpgsqlDbType.Text, group.Select(read => read.Key)));
        var found = new (byte[]? Payload, int? Version)[group.Count];
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                found[reader.GetInt64(0) - 1] = (reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1), reader.IsDBNull(2) ? null : reader.GetInt32(2));
            }
        }

        for (var i = 0; i < group.Count; i++)
        {
            group[i].Done.TrySetResult(found[i]);
        }
    }

    /// <summary>
    /// One statement for the group (so one round trip and one commit): updates at the expected version, inserts
    /// where none was expected, and answers the new version of each write that landed. Two writes of one row never
    /// share a statement (a grain awaits its write before the next); should they, the second is deferred.
    /// Rows to update are found by primary key first (as in <see cref="ReadGroupAsync"/>) and then updated by their
    /// row id; the version test is what fences them: a row another activation updated meanwhile no longer matches it.
    /// </summary>
    private async Task WriteGroupAsync(List<PendingWrite> group, CancellationToken cancellationToken)
    {
        var rows = new HashSet<(string, string)>();
        var now = new List<PendingWrite>(group.Count);
        List<PendingWrite>? later = null;
        foreach (var write in group)
        {
            if (rows.Add((write.StateName, write.Key)))
            {
                now.Add(write);
            }
            else
            {
                (later ??= []).Add(write);
            }
        }

        await using var command = _dataSource.CreateCommand(WriteSql);
        command.Parameters.AddWithValue("service", _serviceId);
        command.Parameters.Add(PostgresArrays.Of("types", NpgsqlDbType.Text, now.Select(write => write.StateName)));
        command.Parameters.Add(PostgresArrays.Of("keys", NpgsqlDbType.Text, now.Select(write => write.Key)));
        command.Parameters.Add(PostgresArrays.Of("versions", NpgsqlDbType.Integer, now.Select(write => write.ExpectedVersion)));
        command.Parameters.Add(PostgresArrays.Of("payloads", NpgsqlDbType.Bytea, now.Select(write => write.Payload)));
        var written = new int?[now.Count];
        Dictionary<(string, string), int>? created = null;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (!reader.IsDBNull(0))
                {
                    written[reader.GetInt64(0) - 1] = reader.GetInt32(1);
                }
                else if ((created ??= PositionsOfNewRows(now)).TryGetValue((reader.GetString(2), reader.GetString(3)), out var position))
                {
                    // A key that came back changed (never expected: the columns keep text as sent) leaves its own
                    // write unacknowledged, as a lost fence would, rather than failing the group after its commit.
                    written[position] = reader.GetInt32(1);
                }
            }

            // The commit comes after the rows: closing reads on to ReadyForQuery and throws if the commit failed.
            await reader.CloseAsync();
        }

        for (var i = 0; i < now.Count; i++)
        {
            now[i].Done.TrySetResult(written[i]);
        }

        // Deferred only once this statement has committed: had it failed, the batcher fails the whole group, these
        // included, and a write its caller heard fail must not land afterwards.
        foreach (var write in later ?? [])
        {
            _writes.Enqueue(write);
        }
    }

    /// <summary>Where in the group each write that creates its row sits, by type and key (unique in a statement).</summary>
    private static Dictionary<(string, string), int> PositionsOfNewRows(List<PendingWrite> writes)
    {
        var positions = new Dictionary<(string, string), int>();
        for (var i = 0; i < writes.Count; i++)
        {
            if (writes[i].ExpectedVersion is null)
            {
                positions.Add((writes[i].StateName, writes[i].Key), i);
            }
        }

        return positions;
    }

    /// <summary>Completes with the row's payload and version (both null: no row).</summary>
    private sealed record PendingRead(string StateName, string Key) : BatchedWork<(byte[]? Payload, int? Version)>;

    /// <param name="ExpectedVersion">The version the activation holds; null: it saw no row and may only create one.</param>
    /// <summary>Completes with the row's new version, or null when another activation wrote first.</summary>
    private sealed record PendingWrite(string StateName, string Key, int? ExpectedVersion, byte[]? Payload) : BatchedWork<int?>;
}
