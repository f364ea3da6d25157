using MultiStore.Grains.Persistence;

namespace MultiStore.Cluster.Tests.Persistence;

/// <summary>
/// The batcher behind the stock journal's writer: an item that depends on one in the group being formed waits for a
/// later group, in order, while the items queued after it that do not depend on anything still go now.
/// </summary>
public sealed class RoundTripBatcherTests
{
    [Fact]
    public async Task ItemNotReady_WaitsForTheNextGroup_WithoutHoldingBackTheOthers()
    {
        var groups = new List<string[]>();
        using var firstGroupRunning = new ManualResetEventSlim();
        using var firstGroupHeld = new ManualResetEventSlim();
        await using var batcher = new RoundTripBatcher<Work>(
            maxGroup: 10,
            (group, _) =>
            {
                if (groups.Count == 0)
                {
                    // Everything else is queued while the first group is out, as while a commit is in flight.
                    firstGroupRunning.Set();
                    firstGroupHeld.Wait(TimeSpan.FromSeconds(10));
                }

                groups.Add([.. group.Select(work => work.Name)]);
                foreach (var work in group)
                {
                    work.Done.TrySetResult();
                }
            },
            "test batcher",
            isReady: work => work.After is not { Done.Task.IsCompleted: false });

        var blocker = new Work("blocker", After: null);
        batcher.Enqueue(blocker);
        Assert.True(firstGroupRunning.Wait(TimeSpan.FromSeconds(10)));
        var first = new Work("first", After: null);
        var second = new Work("second", After: first);
        var other = new Work("other", After: null);
        var third = new Work("third", After: second);
        foreach (var work in new[] { first, second, other, third })
        {
            batcher.Enqueue(work);
        }

        firstGroupHeld.Set();
        await Task.WhenAll(new[] { blocker, first, second, other, third }.Select(work => work.Done.Task)).WaitAsync(TimeSpan.FromSeconds(10));

        // "second" depends on "first", which is in the group being formed; "third" on "second", which is held.
        Assert.Equal(["blocker"], groups[0]);
        Assert.Equal(["first", "other"], groups[1]);
        Assert.Equal(["second"], groups[2]);
        Assert.Equal(["third"], groups[3]);
        Assert.Equal(4, groups.Count);
    }

    private sealed record Work(string Name, Work? After) : IBatchedWork
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Fail(Exception error) => Done.TrySetException(error);
    }
}
