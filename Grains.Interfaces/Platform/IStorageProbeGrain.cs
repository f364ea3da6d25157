namespace MultiStore.Grains.Interfaces.Platform;

/// <summary>
/// A readiness probe that goes all the way to grain storage: one activation (key <see cref="Key"/>) re-reads its
/// row on every call. An API that can complete this call is connected to a live silo that reaches the store the
/// grains persist to (PostgreSQL in a cluster). Not tenant-scoped: it holds nothing of any store.
/// </summary>
[Alias("multistore.IStorageProbeGrain")]
public interface IStorageProbeGrain : IGrainWithStringKey
{
    const string Key = "probe";

    /// <summary>Reads the probe's row from storage; throws when storage cannot be read.</summary>
    [Alias("Probe")]
    Task ProbeAsync();
}
