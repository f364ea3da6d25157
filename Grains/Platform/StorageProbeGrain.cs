using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Platform;

namespace MultiStore.Grains.Platform;

/// <summary>The probe's row; nothing is ever written to it, so it is never more than an absent row.</summary>
[GenerateSerializer, Alias("multistore.StorageProbeState")]
public sealed class StorageProbeState
{
    [Id(0)] public DateTimeOffset? WrittenAt { get; set; }
}

/// <inheritdoc cref="IStorageProbeGrain" />
public sealed class StorageProbeGrain([PersistentState("storage-probe", StorageNames.Store)] IPersistentState<StorageProbeState> probe)
    : Grain, IStorageProbeGrain
{
    /// <inheritdoc />
    // A read of one primary key: the cheapest round trip that proves the storage provider works end to end.
    public Task ProbeAsync() => probe.ReadStateAsync();
}
