namespace MultiStore.Grains.Persistence;

/// <summary>
/// Group commit of one grain's persisted state, for grains whose calls change an in-memory view at once and are
/// answered only once storage holds the change (a store's alerts, its analytics). One write is in flight at a time;
/// changes made meanwhile ride together on the next one, so a burst of calls costs a few writes, not one each.
/// <para>
/// <see cref="ChangedAsync"/> and <see cref="DurableAsync"/> run on the grain's scheduler, between its other turns (the
/// grain is reentrant, or its calls interleave with timer ticks). The write itself (<paramref name="write"/>) must take
/// what it stores from the view before its first <c>await</c>: that moment decides which changes it carries.
/// </para>
/// </summary>
/// <param name="write">Stores the view as it is now.</param>
/// <param name="otherWriteFailed">Told of a failed write that a caller waited for without its change being in it.</param>
internal sealed class StateGroupCommit(Func<Task> write, Action<Exception> otherWriteFailed)
{
    // How many changes the view has had, how many of them storage holds, and the one write in flight (carrying the
    // first _writing of them).
    private long _changed;
    private long _stored;
    private long _writing;
    private Task _write = Task.CompletedTask;

    /// <summary>Counts a change just made to the view, and returns once storage holds it (see <see cref="DurableAsync"/>).</summary>
    public Task ChangedAsync()
    {
        _changed++;
        return DurableAsync();
    }

    /// <summary>
    /// Returns once storage holds every change counted so far; throws if the write that carried them failed. A write in
    /// flight that started before the last change is waited for whatever its outcome (its own callers hear of a
    /// failure), then one more write carries the rest; callers that arrive meanwhile join that one.
    /// </summary>
    public async Task DurableAsync()
    {
        var changed = _changed;
        while (_stored < changed)
        {
            if (_write.IsCompleted)
            {
                _writing = _changed;
                _write = WriteAsync(_writing);
            }

            var inFlight = _write;
            if (_writing >= changed)
            {
                await inFlight;
                continue;
            }

            try
            {
                await inFlight;
            }
            catch (Exception failure)
            {
                // Not this caller's changes: the next write carries them along with those the failed one held.
                otherWriteFailed(failure);
            }
        }
    }

    private async Task WriteAsync(long carrying)
    {
        await write();
        _stored = carrying;
    }
}
