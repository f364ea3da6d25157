using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace MultiStore.Grains.Hosting;

/// <summary>
/// How a PostgreSQL failure reaches the caller of a grain. Orleans serializes only exceptions it has a codec for
/// or whose namespace it trusts (Microsoft, System, Azure); an Npgsql exception inside a storage error would
/// otherwise make the silo fail to serialize the whole answer, and the caller would see a
/// <c>CodecNotFoundException</c> ("Could not find a codec for type Npgsql.PostgresException") instead of the cause.
/// With the Npgsql namespace trusted, the caller gets the provider's <see cref="OrleansException"/> with the real
/// <c>NpgsqlException</c> inside, which the Api turns into 503 + Retry-After.
/// </summary>
public static class StorageFailures
{
    public const string NpgsqlNamespace = "Npgsql";

    /// <summary>Lets Npgsql's exceptions (message, stack, inner exceptions) cross grain boundaries.</summary>
    public static IServiceCollection AddStorageFailureSerialization(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(o => o.SupportedNamespacePrefixes.Add(NpgsqlNamespace));
}
