using MultiStore.Grains.Persistence;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Persistence;

/// <summary>
/// The group commit a store's alerts and analytics share (<see cref="StateGroupCommit"/>): changes made while a write
/// is in flight ride together on the next one, and nobody is answered before a write that holds their change is done.
/// Every step runs on one exclusive scheduler, as a grain's turns do.
/// </summary>
public sealed class StateGroupCommitTests
{
    private readonly TaskScheduler _grain = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
    private readonly Queue<HeldStep> _holds = new();
    private readonly List<int> _stored = [];
    private readonly List<Exception> _otherWritesFailed = [];
    private Exception? _failNext;
    private int _view;

    [Fact]
    public async Task ChangesMadeWhileAWriteIsInFlight_RideTogetherOnTheNextWrite()
    {
        var commit = NewCommit();
        var held = HoldNextWrite();
        var first = ChangeAsync(commit, 1);
        await held.Reached.WaitAsync(TimeSpan.FromSeconds(10));

        var second = ChangeAsync(commit, 2);
        var third = ChangeAsync(commit, 3);
        await TurnsDoneAsync();
        Assert.False(second.IsCompleted);
        held.Release();
        await Task.WhenAll(first, second, third);

        Assert.Equal([1, 3], _stored);
    }

    [Fact]
    public async Task AChangeTheWriteInFlightDoesNotCarry_IsAnsweredOnlyOnceTheNextWriteIsDone()
    {
        var commit = NewCommit();
        var firstWrite = HoldNextWrite();
        var secondWrite = HoldNextWrite();
        var first = ChangeAsync(commit, 1);
        await firstWrite.Reached.WaitAsync(TimeSpan.FromSeconds(10));
        var second = ChangeAsync(commit, 2);
        await TurnsDoneAsync();

        firstWrite.Release();
        await first;
        await secondWrite.Reached.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(second.IsCompleted);
        secondWrite.Release();
        await second;

        Assert.Equal([1, 2], _stored);
    }

    [Fact]
    public async Task AFailedWrite_FailsOnlyTheChangesItCarried_AndTheNextWriteCarriesTheRest()
    {
        var commit = NewCommit();
        var held = HoldNextWrite();
        _failNext = new IOException("connection lost");
        var first = ChangeAsync(commit, 1);
        await held.Reached.WaitAsync(TimeSpan.FromSeconds(10));
        var second = ChangeAsync(commit, 2);
        await TurnsDoneAsync();

        held.Release();

        await Assert.ThrowsAsync<IOException>(() => first);
        await second;
        Assert.Equal([2], _stored);
        Assert.IsType<IOException>(Assert.Single(_otherWritesFailed));
    }

    [Fact]
    public async Task DurableAsync_WithNothingChanged_WritesNothing()
    {
        var commit = NewCommit();

        await OnGrainAsync(commit.DurableAsync);

        Assert.Empty(_stored);
    }

    private StateGroupCommit NewCommit() => new(WriteAsync, _otherWritesFailed.Add);

    private Task ChangeAsync(StateGroupCommit commit, int value) => OnGrainAsync(() =>
    {
        _view = value;
        return commit.ChangedAsync();
    });

    private HeldStep HoldNextWrite()
    {
        var held = new HeldStep();
        _holds.Enqueue(held);
        return held;
    }

    /// <summary>The grain's queued turns have run up to their first wait.</summary>
    private Task TurnsDoneAsync() => OnGrainAsync(() => Task.CompletedTask);

    private Task OnGrainAsync(Func<Task> step) =>
        Task.Factory.StartNew(step, CancellationToken.None, TaskCreationOptions.None, _grain).Unwrap();

    private async Task WriteAsync()
    {
        // As the grains' writes do: what is stored is taken from the view before the first await.
        var carried = _view;
        var failure = _failNext;
        _failNext = null;
        if (_holds.TryDequeue(out var held))
        {
            await held.ReachedAndWaitAsync();
        }

        if (failure is not null)
        {
            throw failure;
        }

        _stored.Add(carried);
    }
}
