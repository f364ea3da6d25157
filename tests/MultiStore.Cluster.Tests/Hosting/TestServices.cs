using Npgsql;

namespace MultiStore.Cluster.Tests.Hosting;

/// <summary>
/// The real PostgreSQL and Redis these tests run against: <c>MULTISTORE_TEST_POSTGRES</c> and
/// <c>MULTISTORE_TEST_REDIS</c>, or the defaults of <c>scripts/services.sh up</c>.
/// </summary>
public static class TestServices
{
    public const string DefaultPostgres = "Host=127.0.0.1;Port=55432;Username=multistore;Password=multistore;Database=multistore";
    public const string DefaultRedis = "127.0.0.1:56379";

    /// <summary>A connection string to the shared database; tests create their own databases through it.</summary>
    public static string Postgres =>
        Environment.GetEnvironmentVariable("MULTISTORE_TEST_POSTGRES") is { Length: > 0 } value ? value : DefaultPostgres;

    public static string Redis =>
        Environment.GetEnvironmentVariable("MULTISTORE_TEST_REDIS") is { Length: > 0 } value ? value : DefaultRedis;

    /// <summary>Opens a connection to the shared database, or fails with the command that starts the services.</summary>
    public static async Task<NpgsqlConnection> OpenAdminConnectionAsync()
    {
        var connection = new NpgsqlConnection(Postgres);
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch (Exception error) when (error is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            await connection.DisposeAsync();
            throw new InvalidOperationException(
                $"PostgreSQL is not reachable at '{new NpgsqlConnectionStringBuilder(Postgres) { Password = null }}': " +
                "run `scripts/services.sh up` first (or set MULTISTORE_TEST_POSTGRES).", error);
        }
    }
}
