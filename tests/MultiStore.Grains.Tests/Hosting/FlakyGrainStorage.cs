using System.Collections.Concurrent;
using Orleans.Storage;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// Grain state kept as serialized copies (so a grain's memory and what is "stored" are never the same object), whose
/// next write of a chosen grain fails the way a dropped PostgreSQL connection does: nothing is stored and the caller
/// gets an exception.
/// </summary>
public sealed class FlakyGrainStorage(IGrainStorageSerializer serializer) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string State, GrainId Grain), (BinaryData Payload, int Version)> _rows = new();
    // Per grain: how many more writes succeed before the one that fails.
    private readonly ConcurrentDictionary<GrainId, int> _failAfter = new();

    /// <summary>The next write of <paramref name="grain"/>'s state, or the one after <paramref name="succeeding"/> more, fails; later ones succeed.</summary>
    public void FailNextWrite(GrainId grain, int succeeding = 0) => _failAfter[grain] = succeeding;

    /// <summary>What storage holds of <paramref name="grain"/>'s state <paramref name="stateName"/> (default: nothing).</summary>
    public T? Stored<T>(string stateName, GrainId grain) =>
        _rows.TryGetValue((stateName, grain), out var row) ? serializer.Deserialize<T>(row.Payload) : default;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_rows.TryGetValue((stateName, grainId), out var row))
        {
            grainState.State = serializer.Deserialize<T>(row.Payload);
            grainState.ETag = row.Version.ToString(System.Globalization.CultureInfo.InvariantCulture);
            grainState.RecordExists = true;
        }
        else
        {
            grainState.State = Activator.CreateInstance<T>();
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_failAfter.TryGetValue(grainId, out var succeeding))
        {
            if (succeeding == 0)
            {
                _failAfter.TryRemove(grainId, out _);
                throw new IOException($"Injected storage failure writing {stateName} of {grainId}.");
            }

            _failAfter[grainId] = succeeding - 1;
        }

        var version = _rows.TryGetValue((stateName, grainId), out var row) ? row.Version + 1 : 1;
        _rows[(stateName, grainId)] = (serializer.Serialize(grainState.State), version);
        grainState.ETag = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _rows.TryRemove((stateName, grainId), out _);
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }
}
