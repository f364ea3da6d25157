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
    /// <param name="keyedLookupsOnly">
    /// The pool's statements only look rows up by key (<see cref="BatchingGrainStorage"/>: every key through the primary
    /// key, <c>LATERAL … LIMIT 1</c>, then by row id), so one plan fits every call: PostgreSQL plans each statement once
    /// per connection (<c>plan_cache_mode = force_generic_plan</c>) instead of for every call's values, which took 13 %
    /// of its CPU in the bench's storefront sale. A generic plan is made without the values, on whatever the table held
    /// when the connection first ran the statement, and kept: made on an empty table, the write's update joined its rows
    /// by scanning the table, a plan that, kept at 100,000 carts, would read every row for every write. So the pool never
    /// scans a table whole (<c>enable_seqscan = off</c>); tests check both statements' generic plans.
    /// </param>
    public static NpgsqlDataSource Create(string connectionString, bool keyedLookupsOnly = false)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        if (keyedLookupsOnly)
        {
            builder.ConnectionStringBuilder.Options = $"{builder.ConnectionStringBuilder.Options} -c plan_cache_mode=force_generic_plan -c enable_seqscan=off".Trim();
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

    /// <summary>
    /// After PostgreSQL refused a statement, has the pool open fresh connections. An auto-prepared statement can be left
    /// corrupt on the connection that ran it (npgsql/npgsql#6391, open in Npgsql 10.0.3): run there again, it failed with
    /// "Received unexpected backend message DataRow", so one refused journal transaction made every later one fail.
    /// </summary>
    public static void ReplaceConnectionsAfter(this NpgsqlDataSource dataSource, Exception failure)
    {
        if (failure is PostgresException)
        {
            dataSource.Clear();
        }
    }
}
