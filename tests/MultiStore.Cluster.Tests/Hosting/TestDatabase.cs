using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using MultiStore.Grains.Persistence;
using MultiStore.Grains.Stock.Journal;
using Npgsql;

namespace MultiStore.Cluster.Tests.Hosting;

/// <summary>
/// A PostgreSQL database of its own for one test (or one test class): created empty, optionally migrated with the
/// production <see cref="SchemaMigrator"/>, dropped at the end. Tests never see each other's rows.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
        DataSource = PostgresDataSource.Create(connectionString);
    }

    public string Name { get; }

    public string ConnectionString { get; }

    /// <summary>A pool for the test's own queries, built exactly like production's.</summary>
    public NpgsqlDataSource DataSource { get; }

    public static async Task<TestDatabase> CreateAsync(bool migrate = true)
    {
        var name = $"ms_test_{Guid.NewGuid():N}";
        await using (var admin = await TestServices.OpenAdminConnectionAsync())
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(TestServices.Postgres) { Database = name }.ConnectionString;
        var database = new TestDatabase(name, connectionString);
        if (migrate)
        {
            await database.Migrator().MigrateAsync();
        }

        return database;
    }

    public SchemaMigrator Migrator() => new(DataSource, NullLogger<SchemaMigrator>.Instance);

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)result;
    }

    /// <summary>
    /// The JSON a grain's stored state amounts to, read straight from PostgreSQL (no grain involved), or null. Stock
    /// entries keep a journal instead of a state row: theirs is the replayed journal (snapshot + later changes).
    /// </summary>
    public async Task<JsonDocument?> StoredStateAsync(string serviceId, string stateName, string grainKey)
    {
        if (stateName == "stock")
        {
            await using var journal = new PostgresStockJournal(DataSource, serviceId, NullLogger<PostgresStockJournal>.Instance);
            var history = await journal.LoadAsync(grainKey);
            return history.Version == 0 ? null : JsonDocument.Parse(JsonSerializer.Serialize(history.ToState()));
        }

        var json = await ScalarAsync<string>(
            "SELECT convert_from(payload, 'UTF8') FROM multistore_grain_state WHERE service_id = @service AND grain_type = @type AND grain_key = @key",
            ("service", serviceId), ("type", stateName), ("key", grainKey));
        return json is null ? null : JsonDocument.Parse(json);
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var admin = await TestServices.OpenAdminConnectionAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", admin);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException error) when (error.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 20)
            {
                // FORCE may not end an autovacuum worker busy in the database (it runs as a superuser): it is done
                // in a moment.
                await Task.Delay(TimeSpan.FromMilliseconds(250));
            }
        }
    }
}
