using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace MultiStore.Grains.Hosting;

/// <summary>
/// Where a clustered silo keeps grain state and reminders: PostgreSQL, from the connection string
/// <c>ConnectionStrings:Postgres</c> (environment <c>ConnectionStrings__Postgres</c>).
/// </summary>
public sealed class DurableStorageOptions
{
    /// <summary>The configuration key of <see cref="PostgresConnectionString"/>.</summary>
    public const string PostgresKey = "ConnectionStrings:Postgres";

    /// <summary>An Npgsql connection string, e.g. <c>Host=127.0.0.1;Port=55432;Username=multistore;Database=multistore</c>.</summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>Reads the options from configuration (the connection string is not under a section of its own).</summary>
    public static DurableStorageOptions From(IConfiguration configuration) =>
        new() { PostgresConnectionString = configuration.GetConnectionString("Postgres") };
}

/// <summary>Refuses a missing or malformed PostgreSQL connection string, naming the key to set.</summary>
public sealed class DurableStorageOptionsValidator : IValidateOptions<DurableStorageOptions>
{
    public ValidateOptionsResult Validate(string? name, DurableStorageOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.PostgresConnectionString))
        {
            return ValidateOptionsResult.Fail(
                $"{DurableStorageOptions.PostgresKey} is required in cluster mode (environment ConnectionStrings__Postgres).");
        }

        try
        {
            _ = new Npgsql.NpgsqlConnectionStringBuilder(options.PostgresConnectionString);
        }
        catch (ArgumentException error)
        {
            return ValidateOptionsResult.Fail($"{DurableStorageOptions.PostgresKey} is not a valid Npgsql connection string: {error.Message}");
        }

        return ValidateOptionsResult.Success;
    }
}
