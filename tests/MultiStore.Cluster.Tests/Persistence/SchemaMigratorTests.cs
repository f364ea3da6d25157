using MultiStore.Cluster.Tests.Hosting;
using MultiStore.Grains.Persistence;
using Xunit.Abstractions;

namespace MultiStore.Cluster.Tests.Persistence;

public sealed class SchemaMigratorTests(ITestOutputHelper output)
{
    /// <summary>Every query key the Orleans ADO.NET grain storage and reminder providers load at start.</summary>
    private static readonly string[] ProviderQueryKeys =
    [
        "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey",
        "ReadReminderRowsKey", "ReadReminderRowKey", "ReadRangeRows1Key", "ReadRangeRows2Key",
        "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    [Fact]
    public async Task MigrateAsync_RunTwice_AppliesEachMigrationOnceAndLeavesOneCopyOfEverything()
    {
        await using var database = await TestDatabase.CreateAsync(migrate: false);

        var first = await database.Migrator().MigrateAsync();
        var second = await database.Migrator().MigrateAsync();

        output.WriteLine($"First run: {first.Applied.Count} applied in {first.Elapsed.TotalMilliseconds:F0} ms; second run: {second.Elapsed.TotalMilliseconds:F0} ms.");
        Assert.Equal(SchemaMigrator.Migrations.Select(m => m.Version), first.Applied.Select(m => m.Version));
        Assert.Empty(second.Applied);
        Assert.Equal(SchemaMigrator.Migrations.Count, second.AlreadyApplied);
        Assert.Equal(SchemaMigrator.Migrations.Count, await database.ScalarAsync<long>("SELECT count(*) FROM multistore_schema_migrations"));
        foreach (var key in ProviderQueryKeys)
        {
            Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM orleansquery WHERE querykey = @key", ("key", key)));
        }

        Assert.Equal(ProviderQueryKeys.Length, await database.ScalarAsync<long>("SELECT count(*) FROM orleansquery"));
        foreach (var table in new[] { "multistore_grain_state", "multistore_reminders", "orleansquery" })
        {
            Assert.Equal(1L, await database.ScalarAsync<long>(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public' AND table_name = @table", ("table", table)));
        }
    }

    [Fact]
    public async Task MigrateAsync_LeavesEveryIndexedTextColumnInByteOrder()
    {
        await using var database = await TestDatabase.CreateAsync();

        // Every column of every index in the schema, with the collation the index compares it by (0: not text).
        await using var command = database.DataSource.CreateCommand(
            """
            SELECT t.relname || '.' || a.attname, coalesce(c.collname, '')
            FROM pg_index i
            JOIN pg_class t ON t.oid = i.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = 'public'
            CROSS JOIN LATERAL unnest(i.indkey::int2[], i.indcollation::oid[]) AS k(attnum, collation_id)
            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
            LEFT JOIN pg_collation c ON c.oid = k.collation_id
            WHERE k.collation_id <> 0
            """);
        var collations = new Dictionary<string, string>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                collations[reader.GetString(0)] = reader.GetString(1);
            }
        }

        // Identifiers are compared as bytes (migration 0006): no locale in a key lookup, and no index that a change
        // of the C library's collation data could leave out of order.
        Assert.Contains("multistore_grain_state.grain_key", collations.Keys);
        Assert.Contains("multistore_stock_batches.stream", collations.Keys);
        Assert.All(collations, column => Assert.True(column.Value == "C", $"{column.Key} is compared by collation '{column.Value}', not \"C\"."));
    }

    [Fact]
    public async Task MigrateAsync_ManyAtOnce_QueueOnTheLockAndApplyEachMigrationOnce()
    {
        await using var database = await TestDatabase.CreateAsync(migrate: false);
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Four silos starting together with Database:MigrateOnStart=true.
        var runs = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            await start.Task;
            return await database.Migrator().MigrateAsync();
        })).ToList();
        start.SetResult();
        var reports = await Task.WhenAll(runs);

        Assert.Equal(SchemaMigrator.Migrations.Count, reports.Sum(report => report.Applied.Count));
        Assert.Single(reports, report => report.Applied.Count > 0);
        Assert.Equal(SchemaMigrator.Migrations.Count, await database.ScalarAsync<long>("SELECT count(*) FROM multistore_schema_migrations"));
    }

    [Fact]
    public async Task MigrateAsync_WhenAnAppliedMigrationWasEdited_RefusesToRun()
    {
        await using var database = await TestDatabase.CreateAsync();
        await database.ScalarAsync<object>("UPDATE multistore_schema_migrations SET checksum = repeat('0', 64) WHERE version = 1");

        var refusal = await Assert.ThrowsAsync<InvalidOperationException>(() => database.Migrator().MigrateAsync());

        Assert.Contains("never edited", refusal.Message, StringComparison.Ordinal);
    }
}
