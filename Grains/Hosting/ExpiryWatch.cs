using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Hosting;

/// <summary>
/// Keeps a grain awake for its deadlines: a grain timer sweeps while the activation lives, and a durable
/// reminder wakes a deactivated grain (or one re-activated after a restart) so expiries still happen.
/// Both exist only while the grain has something pending. The timer's sweep runs as a turn of its own unless
/// <paramref name="interleave"/> lets the grain's calls run while the sweep awaits.
/// </summary>
internal sealed class ExpiryWatch(string reminderName, bool interleave = false)
{
    private IGrainTimer? _timer;
    private ReminderSwitch? _reminder;
    private TimeSpan _reminderPeriod;

    /// <summary>Arms or disarms the timer and the reminder to match whether anything is pending.</summary>
    public async Task UpdateAsync(Grain grain, bool pending, ReservationOptions options, Func<Task> sweep)
    {
        if (pending && _timer is null)
        {
            var tenant = TenantKey.Parse(grain.GetPrimaryKeyString()).Tenant;
            _timer = grain.RegisterGrainTimer(
                async _ =>
                {
                    // Timer ticks carry no caller: the grain acts for its own store.
                    using var scope = TenantContext.ForTenant(tenant, "system:expiry");
                    await sweep();
                },
                new GrainTimerCreationOptions(options.ExpirySweepInterval, options.ExpirySweepInterval) { Interleave = interleave, KeepAlive = false });
        }
        else if (!pending && _timer is not null)
        {
            _timer.Dispose();
            _timer = null;
        }

        // The reminder is coarse (Orleans' minimum period); the timer gives the precision while active.
        _reminderPeriod = options.ExpiryReminderPeriod;
        await Reminder(grain).SetAsync(pending);
    }

    /// <summary>
    /// Runs <paramref name="sweep"/> once, at once, as a timer tick of its own that interleaves like the watch's timer
    /// does: the caller's turn (a reminder tick, which no call interleaves with) ends without waiting for it.
    /// </summary>
    public void SweepNow(Grain grain, Func<Task> sweep)
    {
        IGrainTimer? once = null;
        once = grain.RegisterGrainTimer(
            async _ =>
            {
                try
                {
                    await sweep();
                }
                finally
                {
                    // Its period is infinite, so it never ticks again, but it stays registered with the activation until disposed.
                    once?.Dispose();
                }
            },
            new GrainTimerCreationOptions(TimeSpan.Zero, Timeout.InfiniteTimeSpan) { Interleave = interleave, KeepAlive = true });
    }

    /// <summary>Called when the reminder ticks: it certainly exists, so it is removed once nothing is pending.</summary>
    public async Task OnReminderAsync(Grain grain, bool pending)
    {
        var reminder = Reminder(grain);
        reminder.NoteTicked();
        if (!pending)
        {
            await reminder.SetAsync(false);
        }
    }

    private ReminderSwitch Reminder(Grain grain) =>
        _reminder ??= new ReminderSwitch(
            () => grain.RegisterOrUpdateReminder(reminderName, _reminderPeriod, _reminderPeriod),
            async () =>
            {
                if (await grain.GetReminder(reminderName) is { } reminder)
                {
                    await grain.UnregisterReminder(reminder);
                }
            });
}
