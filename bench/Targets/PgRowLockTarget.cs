using MultiStore.Bench.Measurement;
using Npgsql;

namespace MultiStore.Bench.Targets;

/// <summary>
/// The usual database design, in its own schema <c>bench</c>: per reservation one transaction that locks the stock
/// row (<c>SELECT … FOR UPDATE</c>), checks what is left, increments <c>reserved</c>, inserts a reservation row and
/// commits. Three round trips (the lock with BEGIN, the update and insert as one batch, COMMIT), auto-prepared
/// statements, a bounded connection pool as an application server would have.
/// </summary>
internal sealed class PgRowLockTarget(NpgsqlDataSource dataSource) : IStockTarget
{
    // Status 0 (held) is the insert's literal; settling moves a row to one of these.
    private const short ConfirmedStatus = 1;
    private const short ReleasedStatus = 2;

    public string Name => Target.PgRowLock;

    /// <summary>A pool for this target: at most <paramref name="poolSize"/> connections, waiting (not failing) for one.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString, int poolSize)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = poolSize,
            Timeout = 60,
            CommandTimeout = 120,
            MaxAutoPrepare = 16,
            AutoPrepareMinUsages = 2,
            ApplicationName = "multistore-bench-pg-rowlock",
        };
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            """
            CREATE SCHEMA IF NOT EXISTS bench;
            CREATE TABLE IF NOT EXISTS bench.stock (
              sale     text NOT NULL,
              entry    int  NOT NULL,
              on_hand  int  NOT NULL,
              reserved int  NOT NULL,
              PRIMARY KEY (sale, entry));
            CREATE TABLE IF NOT EXISTS bench.reservations (
              id         text        PRIMARY KEY,
              sale       text        NOT NULL,
              entry      int         NOT NULL,
              quantity   int         NOT NULL,
              status     smallint    NOT NULL,
              expires_at timestamptz NOT NULL,
              created_at timestamptz NOT NULL DEFAULT now());
            CREATE INDEX IF NOT EXISTS ix_bench_reservations_sale ON bench.reservations (sale);
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<ISale> CreateSaleAsync(string tag, int stores, int skusPerStore, int units, CancellationToken cancellationToken)
    {
        var entries = stores * skusPerStore;
        await using var insert = dataSource.CreateCommand(
            "INSERT INTO bench.stock (sale, entry, on_hand, reserved) SELECT $1, e, $2, 0 FROM generate_series(0, $3 - 1) e");
        insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tag });
        insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = units });
        insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = entries });
        await insert.ExecuteNonQueryAsync(cancellationToken);
        return new Sale(dataSource, tag, entries);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();

    private sealed class Sale(NpgsqlDataSource dataSource, string tag, int entries) : ISale
    {
        public int Entries => entries;

        public async ValueTask<CallResult> ReserveAsync(int entry, Shopper shopper)
        {
            var id = $"{tag}-{shopper.NextId()}";
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var lockRow = new NpgsqlCommand(
                "SELECT on_hand - reserved FROM bench.stock WHERE sale = $1 AND entry = $2 FOR UPDATE", connection, transaction))
            {
                lockRow.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tag });
                lockRow.Parameters.Add(new NpgsqlParameter<int> { TypedValue = entry });
                var available = (int)(await lockRow.ExecuteScalarAsync())!;
                if (available < 1)
                {
                    await transaction.RollbackAsync();
                    return new CallResult(Outcome.SoldOut, entry);
                }
            }

            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                var take = new NpgsqlBatchCommand("UPDATE bench.stock SET reserved = reserved + 1 WHERE sale = $1 AND entry = $2");
                take.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tag });
                take.Parameters.Add(new NpgsqlParameter<int> { TypedValue = entry });
                var record = new NpgsqlBatchCommand(
                    "INSERT INTO bench.reservations (id, sale, entry, quantity, status, expires_at) VALUES ($1, $2, $3, 1, 0, now() + interval '15 minutes')");
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
                record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tag });
                record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = entry });
                batch.BatchCommands.Add(take);
                batch.BatchCommands.Add(record);
                await batch.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
            return new CallResult(Outcome.Reserved, entry, id);
        }

        public async ValueTask<bool> SettleAsync(int entry, string reservationId, bool confirm)
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var lockRow = new NpgsqlCommand(
                "SELECT reserved FROM bench.stock WHERE sale = $1 AND entry = $2 FOR UPDATE", connection, transaction))
            {
                lockRow.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tag });
                lockRow.Parameters.Add(new NpgsqlParameter<int> { TypedValue = entry });
                await lockRow.ExecuteScalarAsync();
            }

            await using (var settle = new NpgsqlCommand(
                "UPDATE bench.reservations SET status = $2 WHERE id = $1 AND status = 0", connection, transaction))
            {
                settle.Parameters.Add(new NpgsqlParameter<string> { TypedValue = reservationId });
                settle.Parameters.Add(new NpgsqlParameter<short> { TypedValue = confirm ? ConfirmedStatus : ReleasedStatus });
                if (await settle.ExecuteNonQueryAsync() == 0)
                {
                    await transaction.RollbackAsync();
                    return false;
                }
            }

            await using (var give = new NpgsqlCommand(
                "UPDATE bench.stock SET reserved = reserved - 1, on_hand = on_hand - $3 WHERE sale = $1 AND entry = $2", connection, transaction))
            {
                give.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tag });
                give.Parameters.Add(new NpgsqlParameter<int> { TypedValue = entry });
                give.Parameters.Add(new NpgsqlParameter<int> { TypedValue = confirm ? 1 : 0 });
                await give.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
            return true;
        }

        public async Task<DurableTally> ReadDurableAsync(CancellationToken cancellationToken)
        {
            await using var command = dataSource.CreateCommand(
                """
                SELECT
                  (SELECT count(*) FROM bench.reservations WHERE sale = $1),
                  (SELECT coalesce(sum(reserved), 0)::bigint FROM bench.stock WHERE sale = $1),
                  (SELECT count(*) FROM bench.reservations WHERE sale = $1 AND status = $2),
                  (SELECT count(*) FROM bench.reservations WHERE sale = $1 AND status = $3),
                  (SELECT coalesce(sum(on_hand), 0)::bigint FROM bench.stock WHERE sale = $1)
                """);
            command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tag });
            command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = ConfirmedStatus });
            command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = ReleasedStatus });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            return new DurableTally(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3), reader.GetInt64(4));
        }
    }
}
