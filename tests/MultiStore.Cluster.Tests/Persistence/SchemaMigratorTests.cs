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
