using Npgsql;

namespace MultiStore.Grains.Persistence;

/// <summary>Builds the one <see cref="NpgsqlDataSource"/> (connection pool) a process uses for MultiStore's database.</summary>
public static class PostgresDataSource
{
    /// <summary>
    /// Creates a data source for <paramref name="connectionString"/>. Sessions run in UTC, so reminder start times
    /// (sent by Orleans as UTC <see cref="DateTime"/>s) land in <c>timestamptz</c> columns unshifted whatever the
    /// server's own time zone is; connections go back to the pool without a reset, and repeated statements are prepared.
    /// </summary>
    /// <param name="customPlansOnly">
    /// PostgreSQL plans a prepared statement for each call's values (<c>plan_cache_mode = force_custom_plan</c>)
    /// instead of settling on one generic plan after five calls. For statements that join parameter arrays to a table
    /// (<see cref="BatchingGrainStorage"/>): their generic plan, which cannot see the arrays, was measured scanning
    /// every row of the service for each read (2 ms a statement at 30,000 carts) instead of one index lookup per key.
    /// </param>
    public static NpgsqlDataSource Create(string connectionString, bool customPlansOnly = false)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (customPlansOnly)
        {
            builder.ConnectionStringBuilder.Options = $"{builder.ConnectionStringBuilder.Options} -c plan_cache_mode=force_custom_plan".Trim();
        }

        builder.ConnectionStringBuilder.Timezone = "UTC";
        builder.ConnectionStringBuilder.ApplicationName ??= "multistore";
        // MultiStore never changes session state (no SET, temporary tables, LISTEN or session locks; the migrator's lock
        // ends with its transaction), so a connection going back to the pool needs no reset. The reset is a statement
        // of its own (RESET ALL, DISCARD …) that PostgreSQL would otherwise run before every journal write.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        // The journal and the batching storage send the same few statements hundreds of times a second. Prepared once
        // per connection, PostgreSQL stops parsing and planning them each time: 0.3 to 1 ms of its CPU per statement,
        // and of every batch's latency. A connection string that sets Max Auto Prepare keeps its own choice.
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }
        return builder.Build();
    }
}
