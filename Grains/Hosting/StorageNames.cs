namespace MultiStore.Grains.Hosting;

/// <summary>Names of the grain storage providers the grains persist to.</summary>
public static class StorageNames
{
    /// <summary>The one provider every MultiStore grain writes to (memory when embedded, PostgreSQL in a cluster).</summary>
    public const string Store = "store";

    /// <summary>
    /// State every shopper creates (carts, orders), many writes a second in a sale: memory when embedded; in a cluster
    /// the same PostgreSQL table as <see cref="Store"/>, with the reads and writes of many grains batched into one
    /// round trip (<see cref="Persistence.BatchingGrainStorage"/>).
    /// </summary>
    public const string Shopping = "shopping";
}
