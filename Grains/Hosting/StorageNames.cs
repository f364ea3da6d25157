namespace MultiStore.Grains.Hosting;

/// <summary>Names of the grain storage providers the grains persist to.</summary>
public static class StorageNames
{
    /// <summary>The one provider every MultiStore grain writes to (memory when embedded, PostgreSQL in a cluster).</summary>
    public const string Store = "store";
}
