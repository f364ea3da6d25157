using Npgsql;
using NpgsqlTypes;

namespace MultiStore.Grains.Persistence;

/// <summary>Array parameters, one element per row of a batch: what <c>unnest(...)</c> turns back into rows.</summary>
internal static class PostgresArrays
{
    public static NpgsqlParameter<T[]> Of<T>(string name, NpgsqlDbType elementType, IEnumerable<T> values) =>
        new(name, NpgsqlDbType.Array | elementType) { TypedValue = [.. values] };
}
