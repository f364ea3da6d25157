using Npgsql;

namespace MultiStore.Grains.Persistence;

/// <summary>Builds the one <see cref="NpgsqlDataSource"/> (connection pool) a process uses for MultiStore's database.</summary>
public static class PostgresDataSource
{
    /// <summary>
    /// Creates a data source for <paramref name="connectionString"/>. Sessions run in UTC, so reminder start times
    /// (sent by Orleans as UTC <see cref="DateTime"/>s) land in <c>timestamptz</c> columns unshifted whatever the
    /// server's own time zone is.
    /// </summary>
    public static NpgsqlDataSource Create(string connectionString)
    {
        var builder = new NpgsqlDataSourceBuilder(connectionString);
        builder.ConnectionStringBuilder.Timezone = "UTC";
        builder.ConnectionStringBuilder.ApplicationName ??= "multistore";
        return builder.Build();
    }
}
