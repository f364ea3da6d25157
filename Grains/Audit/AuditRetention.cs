using Microsoft.Extensions.Logging;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Audit;

namespace MultiStore.Grains.Audit;

/// <summary>
/// Removes a trail's pages once their newest entry is older than <see cref="AuditOptions.RetentionDays"/>, oldest
/// first, and moves the head's <see cref="AuditTrailState.FirstKeptPage"/> past them. A run clears at most
/// <see cref="AuditOptions.PagesPerRun"/> pages, one call after another, and stops at the first page it must keep (pages
/// are filled in time order) and always before the page still being filled.
/// <para>
/// Runs happen when an append starts a new page, and on a durable reminder that exists while the trail holds pages
/// older than the one being filled: daily, or every minute while a run left prunable pages behind. So a trail no one
/// writes to any more still sheds its pages. Runs act for the trail's own store (<paramref name="actAs"/>); a failed
/// run is logged and never fails the append that started it, and the next run takes it up again.
/// </para>
/// </summary>
internal sealed class AuditRetention(
    Grain grain,
    IPersistentState<AuditTrailState> head,
    Func<long, IAuditPageGrain> pageOf,
    AuditOptions options,
    TimeProvider time,
    ILogger logger,
    string trail,
    Func<IDisposable> actAs)
{
    public const string ReminderName = "audit-retention";

    /// <summary>Retention counts in days: a daily look is soon enough.</summary>
    public static readonly TimeSpan Daily = TimeSpan.FromDays(1);

    /// <summary>While a trail catches up (Orleans' shortest reminder period).</summary>
    public static readonly TimeSpan CatchingUp = TimeSpan.FromMinutes(1);

    /// <summary>The reminder's period as this activation last set it; unknown (false) since activation.</summary>
    private bool _reminderKnown;
    private TimeSpan? _reminderPeriod;

    private AuditTrailState Head => head.State;

    /// <summary>
    /// A trail with pages older than the one being filled gets its reminder, if it has none yet (trails written before
    /// retention existed), without pushing back the due time of one it has.
    /// </summary>
    public async Task OnActivateAsync()
    {
        try
        {
            if (Head.FirstKeptPage < Head.CurrentPage && await grain.GetReminder(ReminderName) is null)
            {
                await SetReminderAsync(Daily);
            }
        }
        catch (Exception failure)
        {
            // Appends must not depend on the reminder table: the next run (a new page) registers it.
            logger.LogWarning(failure, "Audit retention of the trail of {Store} could not check its reminder", trail);
        }
    }

    /// <summary>After <paramref name="sequence"/> was appended: the first entry of a page closes the one before it.</summary>
    public Task AfterAppendAsync(long sequence) =>
        sequence > 1 && (sequence - 1) % IAuditPageGrain.Capacity == 0 ? RunAsync() : Task.CompletedTask;

    public async Task RunAsync()
    {
        try
        {
            using var scope = actAs();
            var recordedBefore = time.GetUtcNow() - options.Retention;
            var firstKept = Head.FirstKeptPage;
            var cleared = 0;
            while (firstKept < Head.CurrentPage && cleared < options.PagesPerRun && await pageOf(firstKept).PruneAsync(recordedBefore))
            {
                firstKept++;
                cleared++;
            }

            if (firstKept > Head.FirstKeptPage)
            {
                Head.FirstKeptPage = firstKept;
                await head.WriteStateAsync();
                logger.LogInformation(
                    "Audit retention cleared {Pages} pages of the trail of {Store}; its entries now start at {Sequence}",
                    cleared, trail, Head.FirstKeptSequence);
            }

            var behind = cleared == options.PagesPerRun && firstKept < Head.CurrentPage;
            await SetReminderAsync(firstKept < Head.CurrentPage ? (behind ? CatchingUp : Daily) : null);
        }
        catch (Exception failure)
        {
            // The head in memory may be ahead of storage: the next call starts again from what storage holds, and pages
            // already cleared are found empty and passed.
            logger.LogWarning(failure, "Audit retention of the trail of {Store} failed; the next run tries again", trail);
            grain.DeactivateOnIdle();
        }
    }

    private async Task SetReminderAsync(TimeSpan? period)
    {
        if (_reminderKnown && _reminderPeriod == period)
        {
            return;
        }

        if (period is { } every)
        {
            await grain.RegisterOrUpdateReminder(ReminderName, every, every);
        }
        else if (await grain.GetReminder(ReminderName) is { } reminder)
        {
            await grain.UnregisterReminder(reminder);
        }

        (_reminderKnown, _reminderPeriod) = (true, period);
    }
}
