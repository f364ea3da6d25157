namespace MultiStore.Grains.Hosting;

/// <summary>
/// Keeps one durable reminder registered exactly while it is wanted. Registering and unregistering each await the
/// reminder service, and on a grain whose timer ticks interleave with its calls, a call can change what is wanted
/// while such an await is in flight: a sweep that found nothing pending unregisters, a raise meanwhile adds a pending
/// delivery, and the unregistering must not have the last word. So one settling runs at a time, and after every step
/// it looks again at what is wanted now; whoever asks while it runs waits for it.
/// </summary>
internal sealed class ReminderSwitch(Func<Task> register, Func<Task> unregister)
{
    /// <summary>null: unknown since activation (a reminder from an earlier activation may exist).</summary>
    private bool? _registered;

    private bool _wanted;
    private Task _settling = Task.CompletedTask;

    /// <summary>The reminder is known to exist (it just ticked), unless the switch already knows better.</summary>
    public void NoteTicked() => _registered ??= true;

    /// <summary>
    /// Returns once the reminder is registered if <paramref name="wanted"/> (or gone if not), unless a later call has
    /// changed what is wanted by then. An unknown reminder that is not wanted is left alone: asking the reminder
    /// service on every activation would cost more than a reminder that ticks once and finds nothing to do.
    /// </summary>
    public Task SetAsync(bool wanted)
    {
        _wanted = wanted;
        if (_settling.IsCompleted)
        {
            _settling = IsSettled ? Task.CompletedTask : SettleAsync();
        }

        return _settling;
    }

    private bool IsSettled => _wanted ? _registered == true : _registered != true;

    private async Task SettleAsync()
    {
        while (!IsSettled)
        {
            if (_wanted)
            {
                await register();
                _registered = true;
            }
            else
            {
                await unregister();
                _registered = false;
            }
        }
    }
}
