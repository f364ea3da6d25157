namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// A step of the system under test (a storage write, a webhook delivery) that, once reached, waits for the test's
/// go-ahead: the test can act while the grain is inside it.
/// </summary>
public sealed class HeldStep
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the step has begun and waits.</summary>
    public Task Reached => _reached.Task;

    public void Release() => _released.TrySetResult();

    /// <summary>Called by the step itself: says it was reached, and waits for <see cref="Release"/>.</summary>
    internal Task ReachedAndWaitAsync()
    {
        _reached.TrySetResult();
        return _released.Task;
    }
}
