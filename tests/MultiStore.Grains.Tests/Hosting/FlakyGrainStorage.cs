using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using MultiStore.Grains.Hosting;
using Orleans.Storage;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// Grain state kept as serialized copies (so a grain's memory and what is "stored" are never the same object), whose
/// next write of a chosen grain fails the way a dropped PostgreSQL connection does: nothing is stored and the caller
/// gets an exception. One instance serves every storage name it is registered under.
/// </summary>
public sealed class FlakyGrainStorage(IGrainStorageSerializer serializer) : IGrainStorage
{
    private readonly ConcurrentDictionary<(string State, GrainId Grain), (BinaryData Payload, int Version)> _rows = new();
    private readonly ConcurrentDictionary<GrainId, Failure> _failures = new();
    private readonly ConcurrentDictionary<string, bool> _stateFailures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<GrainId, bool> _lostAnswers = new();
    private readonly ConcurrentDictionary<GrainId, ConcurrentQueue<HeldStep>> _holds = new();
    private readonly ConcurrentDictionary<(string State, GrainId Grain), int> _largestWrites = new();

    /// <summary>The next write of <paramref name="grain"/>'s state, or the one after <paramref name="succeeding"/> more, fails; later ones succeed.</summary>
    public void FailNextWrite(GrainId grain, int succeeding = 0) => _failures[grain] = new Failure(succeeding, null);

    /// <summary>The next <paramref name="count"/> writes of <paramref name="grain"/>'s state fail; later ones succeed.</summary>
    public void FailWrites(GrainId grain, int count) => _failures[grain] = new Failure(0, null, count);

    /// <summary>
    /// The next write of <paramref name="grain"/>'s state is stored, then fails anyway, as a commit whose answer the
    /// connection lost: the caller cannot tell it from a write that never happened.
    /// </summary>
    public void LoseNextWriteAnswer(GrainId grain) => _lostAnswers[grain] = true;

    /// <summary>Whether a write of <paramref name="grain"/>'s state is still set to fail.</summary>
    public bool WillFail(GrainId grain) => _failures.ContainsKey(grain);

    /// <summary>The next write of any grain's state named <paramref name="stateName"/> fails: for grains whose key the test cannot know.</summary>
    public void FailNextWriteOf(string stateName) => _stateFailures[stateName] = true;

    /// <summary>
    /// The next write of <paramref name="grain"/>'s state fails, but only once the test releases it: until then the
    /// grain is busy with the failing call, and calls to it queue up behind it.
    /// </summary>
    public HeldStep HoldNextWriteThenFail(GrainId grain)
    {
        var held = new HeldStep();
        _failures[grain] = new Failure(0, held);
        return held;
    }

    /// <summary>
    /// The next <paramref name="count"/> writes of <paramref name="grain"/>'s state each wait for the test's release,
    /// then read the state and store it, off the grain's scheduler, as the ADO.NET provider serializes only once its
    /// connection is open: what a write stores shows whether the grain changed the state while the write was in flight.
    /// </summary>
    public IReadOnlyList<HeldStep> HoldNextWrites(GrainId grain, int count)
    {
        var held = Enumerable.Range(0, count).Select(_ => new HeldStep()).ToList();
        _holds[grain] = new ConcurrentQueue<HeldStep>(held);
        return held;
    }

    /// <summary>The next write of <paramref name="grain"/>'s state waits for the test's release (see <see cref="HoldNextWrites"/>).</summary>
    public HeldStep HoldNextWrite(GrainId grain) => HoldNextWrites(grain, 1)[0];

    /// <summary>
    /// Another activation of <paramref name="grain"/> (a duplicate, briefly possible around a silo's failure) stores
    /// <paramref name="state"/>: the version moves on, so the live activation's next write meets a stale version.
    /// </summary>
    public void Overwrite<T>(string stateName, GrainId grain, T state)
    {
        var version = _rows.TryGetValue((stateName, grain), out var row) ? row.Version + 1 : 1;
        _rows[(stateName, grain)] = (serializer.Serialize(state), version);
    }

    /// <summary>What storage holds of <paramref name="grain"/>'s state <paramref name="stateName"/> (default: nothing).</summary>
    public T? Stored<T>(string stateName, GrainId grain) =>
        _rows.TryGetValue((stateName, grain), out var row) ? serializer.Deserialize<T>(row.Payload) : default;

    /// <summary>The most bytes one stored write of <paramref name="grain"/>'s state <paramref name="stateName"/> carried (0: none yet).</summary>
    public int LargestWrite(string stateName, GrainId grain) => _largestWrites.GetValueOrDefault((stateName, grain));

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

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (_stateFailures.TryRemove(stateName, out _))
        {
            throw new IOException($"Injected storage failure writing {stateName} of {grainId}.");
        }

        if (_failures.TryGetValue(grainId, out var failure))
        {
            if (failure.Succeeding == 0)
            {
                if (failure.Failing > 1)
                {
                    _failures[grainId] = failure with { Failing = failure.Failing - 1 };
                }
                else
                {
                    _failures.TryRemove(grainId, out _);
                }

                if (failure.Held is { } held)
                {
                    await held.ReachedAndWaitAsync();
                }

                throw new IOException($"Injected storage failure writing {stateName} of {grainId}.");
            }

            _failures[grainId] = failure with { Succeeding = failure.Succeeding - 1 };
        }

        if (_holds.TryGetValue(grainId, out var holds) && holds.TryDequeue(out var hold))
        {
            // Resumed off the grain's scheduler, as the ADO.NET provider is once its connection is open: it reads the
            // state only then, while the grain may be running other turns.
            await hold.ReachedAndWaitAsync().ConfigureAwait(false);
        }

        var stored = _rows.TryGetValue((stateName, grainId), out var row) ? row.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
        if (grainState.ETag != stored)
        {
            // As PostgreSQL's storage does: a write from a stale version is refused, never applied.
            throw new InconsistentStateException($"Stale version writing {stateName} of {grainId}.", stored ?? "none", grainState.ETag ?? "none");
        }

        var version = stored is null ? 1 : row.Version + 1;
        var payload = serializer.Serialize(grainState.State);
        _rows[(stateName, grainId)] = (payload, version);
        _largestWrites.AddOrUpdate((stateName, grainId), payload.Length, (_, largest) => Math.Max(largest, payload.Length));
        if (_lostAnswers.TryRemove(grainId, out _))
        {
            throw new IOException($"Injected loss of the answer to a stored write of {stateName} of {grainId}.");
        }

        grainState.ETag = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        _rows.TryRemove((stateName, grainId), out _);
        grainState.State = Activator.CreateInstance<T>();
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    /// <summary>Per grain: how many more writes succeed before the ones that fail, whether the first waits to be released, how many fail.</summary>
    private sealed record Failure(int Succeeding, HeldStep? Held, int Failing = 1);
}

public static class FlakyGrainStorageRegistration
{
    /// <summary>
    /// Puts one <see cref="FlakyGrainStorage"/>, made by the container once, behind both storage names, so a test arms
    /// the very storage a grain writes to. After <c>AddMultiStoreGrains().UseEmbeddedStorage()</c>, whose registrations
    /// these replace.
    /// </summary>
    public static ISiloBuilder UseFlakyStorage(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<FlakyGrainStorage>();
        foreach (var name in new[] { StorageNames.Store, StorageNames.Shopping })
        {
            silo.Services.AddKeyedSingleton<IGrainStorage>(name, (services, _) => services.GetRequiredService<FlakyGrainStorage>());
        }

        return silo;
    }

    /// <summary>The flaky storage of the cluster's first silo.</summary>
    public static FlakyGrainStorage FlakyStorage(this InProcessCluster cluster) =>
        cluster.Cluster.Silos[0].SiloHost.Services.GetRequiredService<FlakyGrainStorage>();
}
