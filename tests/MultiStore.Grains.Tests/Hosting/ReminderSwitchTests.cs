using MultiStore.Grains.Hosting;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// The reminder behind a grain's deadlines (<see cref="ReminderSwitch"/>) ends as the latest caller wants it, even when
/// that caller ran while an earlier change was still waiting on the reminder service: the case of a webhook sweep that
/// found nothing pending and unregisters, while a raise interleaves and adds a pending delivery.
/// </summary>
public sealed class ReminderSwitchTests
{
    private readonly List<string> _calls = [];
    private HeldStep? _holdNext;

    [Fact]
    public async Task A_want_that_arrives_while_unregistering_registers_again_once_that_is_done()
    {
        var reminder = Switch();
        reminder.NoteTicked();
        var held = HoldNextCall();
        var sweep = reminder.SetAsync(false);
        await held.Reached;

        var raise = reminder.SetAsync(true);
        held.Release();
        await Task.WhenAll(sweep, raise);

        Assert.Equal(["unregister", "register"], _calls);
    }

    [Fact]
    public async Task An_unwant_that_arrives_while_registering_unregisters_once_that_is_done()
    {
        var reminder = Switch();
        var held = HoldNextCall();
        var raise = reminder.SetAsync(true);
        await held.Reached;

        var sweep = reminder.SetAsync(false);
        held.Release();
        await Task.WhenAll(raise, sweep);

        Assert.Equal(["register", "unregister"], _calls);
    }

    [Fact]
    public async Task A_want_and_an_unwant_that_both_arrive_meanwhile_leave_it_as_the_last_one_wants()
    {
        var reminder = Switch();
        reminder.NoteTicked();
        var held = HoldNextCall();
        var first = reminder.SetAsync(false);
        await held.Reached;

        var second = reminder.SetAsync(true);
        var third = reminder.SetAsync(false);
        held.Release();
        await Task.WhenAll(first, second, third);

        Assert.Equal(["unregister"], _calls);
    }

    [Fact]
    public async Task The_reminder_service_is_asked_only_when_something_changes()
    {
        var reminder = Switch();

        await reminder.SetAsync(false);
        Assert.Empty(_calls);

        await reminder.SetAsync(true);
        await reminder.SetAsync(true);
        Assert.Equal(["register"], _calls);

        await reminder.SetAsync(false);
        await reminder.SetAsync(false);
        Assert.Equal(["register", "unregister"], _calls);
    }

    [Fact]
    public async Task A_reminder_that_ticked_is_known_to_exist_and_goes_when_unwanted()
    {
        var reminder = Switch();
        reminder.NoteTicked();

        await reminder.SetAsync(false);

        Assert.Equal(["unregister"], _calls);
    }

    [Fact]
    public async Task A_failed_registration_reaches_its_caller_and_the_next_want_tries_again()
    {
        var failNext = true;
        var reminder = new ReminderSwitch(
            () =>
            {
                _calls.Add("register");
                if (failNext)
                {
                    failNext = false;
                    throw new TimeoutException("reminder service unavailable");
                }

                return Task.CompletedTask;
            },
            () => Record("unregister"));

        await Assert.ThrowsAsync<TimeoutException>(() => reminder.SetAsync(true));
        await reminder.SetAsync(true);

        Assert.Equal(["register", "register"], _calls);
    }

    private ReminderSwitch Switch() => new(() => Record("register"), () => Record("unregister"));

    private HeldStep HoldNextCall() => _holdNext = new HeldStep();

    private async Task Record(string call)
    {
        _calls.Add(call);
        if (_holdNext is { } held)
        {
            _holdNext = null;
            await held.ReachedAndWaitAsync();
        }
    }
}
