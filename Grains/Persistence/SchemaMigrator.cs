using System.Diagnostics;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace MultiStore.Grains.Persistence;

/// <summary>
/// Applies the SQL files under <c>Grains/Persistence/Migrations</c> (embedded in this assembly) to PostgreSQL, in
/// version order, each once: applied versions are recorded in <c>multistore_schema_migrations</c>. The whole run is
/// one transaction under a PostgreSQL advisory lock, so silos that start (and migrate) at the same moment simply
/// queue behind each other, and a failed run leaves nothing half-applied.
/// </summary>
public sealed class SchemaMigrator(NpgsqlDataSource dataSource, ILogger<SchemaMigrator> logger)
{
    /// <summary>The advisory lock every MultiStore migrator takes ("MSMIGR" in ASCII).</summary>
    public const long AdvisoryLockKey = 0x4D53_4D49_4752;

    /// <summary>Every migration this build knows, in the order they apply.</summary>
    public static IReadOnlyList<Migration> Migrations { get; } = LoadMigrations();

    /// <summary>Brings the database up to date and reports what it did; safe to run any number of times.</summary>
    public async Task<MigrationReport> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("key", AdvisoryLockKey));
        await ExecuteAsync(
            connection,
            """
            CREATE TABLE IF NOT EXISTS multistore_schema_migrations
            (
                version    integer      NOT NULL,
                name       varchar(200) NOT NULL,
                checksum   char(64)     NOT NULL,
                applied_at timestamptz  NOT NULL DEFAULT now(),
                CONSTRAINT pk_multistore_schema_migrations PRIMARY KEY (version)
            )
            """,
            cancellationToken);

        var recorded = await ReadRecordedAsync(connection, cancellationToken);
        var applied = new List<Migration>();
        foreach (var migration in Migrations)
        {
            if (recorded.TryGetValue(migration.Version, out var checksum))
            {
                if (!string.Equals(checksum, migration.Checksum, StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException(
                        $"Migration {migration.Version} ({migration.Name}) was applied with checksum {checksum}, but this build " +
                        $"carries {migration.Checksum}. An applied migration is never edited: add a new one instead.");
                }

                continue;
            }

            await ExecuteAsync(connection, migration.Sql, cancellationToken);
            await ExecuteAsync(
                connection,
                "INSERT INTO multistore_schema_migrations (version, name, checksum) VALUES (@version, @name, @checksum)",
                cancellationToken,
                ("version", migration.Version),
                ("name", migration.Name),
                ("checksum", migration.Checksum));
            applied.Add(migration);
        }

        await transaction.CommitAsync(cancellationToken);
        var report = new MigrationReport(applied, Migrations.Count - applied.Count, clock.Elapsed);
        logger.LogInformation(
            "Schema migration: applied {Applied} ({Names}), {Current} already current, in {Elapsed} ms",
            applied.Count, string.Join(", ", applied.Select(m => m.Name)), report.AlreadyApplied, (long)report.Elapsed.TotalMilliseconds);
        return report;
    }

    private static async Task<Dictionary<int, string>> ReadRecordedAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var recorded = new Dictionary<int, string>();
        await using var command = new NpgsqlCommand("SELECT version, checksum FROM multistore_schema_migrations", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            recorded[reader.GetInt32(0)] = reader.GetString(1);
        }

        return recorded;
    }

    private static async Task ExecuteAsync(
        NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<Migration> LoadMigrations()
    {
        var assembly = typeof(SchemaMigrator).Assembly;
        const string Prefix = "migrations/";
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(name => name.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var fileName = resource[Prefix.Length..];
            var separator = fileName.IndexOf('_');
            if (separator <= 0 || !int.TryParse(fileName[..separator], out var version))
            {
                throw new InvalidOperationException($"Migration file '{fileName}' must be named NNNN_description.sql.");
            }

            var sql = ReadResource(assembly, resource);
            var checksum = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(sql.ReplaceLineEndings("\n"))));
            migrations.Add(new Migration(version, Path.GetFileNameWithoutExtension(fileName), sql, checksum));
        }

        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migrations share version {duplicate.Key}.");
        }

        return [.. migrations.OrderBy(m => m.Version)];
    }

    private static string ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"Embedded migration '{name}' is missing.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }
}

/// <summary>One SQL file of the schema, identified by the number its file name starts with.</summary>
public sealed record Migration(int Version, string Name, string Sql, string Checksum);

/// <summary>What one run of <see cref="SchemaMigrator.MigrateAsync"/> did.</summary>
public sealed record MigrationReport(IReadOnlyList<Migration> Applied, int AlreadyApplied, TimeSpan Elapsed);
