using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Stock;

/// <summary>
/// One grain timer per active stock entry that fires at the entry's next hold deadline, not on a fixed beat: an
/// entry holding reservations for fifteen minutes costs nothing until one is due, so 100,000 active entries do
/// not mean 100,000 timer ticks a second. It follows the grain's <see cref="TimeProvider"/>, so a test clock
/// drives it too. It never keeps the entry alive; a deactivated entry is woken by <see cref="StockWakeUpSweeper"/>.
/// </summary>
internal sealed class DeadlineTimer
{
    private static readonly TimeSpan Never = Timeout.InfiniteTimeSpan;

    private IGrainTimer? _timer;
    private DateTimeOffset _firesAt = DateTimeOffset.MaxValue;

    /// <summary>
    /// Makes sure the timer fires by <paramref name="deadline"/> (null: nothing is held). An earlier deadline moves
    /// it; a later one is left alone, since the early firing finds nothing due and arms for what is next.
    /// </summary>
    public void Follow(Grain grain, DateTimeOffset? deadline, DateTimeOffset now, Func<Task> onDue)
    {
        if (deadline is not { } at || at >= _firesAt)
        {
            return;
        }

        var due = at > now ? at - now : TimeSpan.Zero;
        if (_timer is null)
        {
            var tenant = TenantKey.Parse(grain.GetPrimaryKeyString()).Tenant;
            _timer = grain.RegisterGrainTimer(
                async () =>
                {
                    _firesAt = DateTimeOffset.MaxValue;
                    // Timer ticks carry no caller: the entry acts for its own store.
                    using var scope = TenantContext.ForTenant(tenant, "system:expiry");
                    await onDue();
                },
                new GrainTimerCreationOptions(due, Never) { Interleave = false, KeepAlive = false });
        }
        else
        {
            _timer.Change(due, Never);
        }

        _firesAt = at;
    }
}
