namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// Real time, except that once armed its next reading waits for the test's go-ahead: it stops a grain in the middle of
/// working out a change (wherever the change reads the time), on whatever thread that work runs.
/// </summary>
public sealed class PausingClock : TimeProvider
{
    // Bounds a reading the test forgot to release, so a failed test cannot hang a thread for ever.
    private static readonly TimeSpan LongestPause = TimeSpan.FromSeconds(30);

    private Pause? _armed;

    /// <summary>The next reading of the clock, by anyone, waits until the answer's <see cref="Pause.Release"/>.</summary>
    public Pause PauseNextReading()
    {
        var pause = new Pause();
        Volatile.Write(ref _armed, pause);
        return pause;
    }

    public override DateTimeOffset GetUtcNow()
    {
        if (Interlocked.Exchange(ref _armed, null) is { } pause)
        {
            pause.Wait();
        }

        return System.GetUtcNow();
    }

    /// <summary>A reading that waits for the test.</summary>
    public sealed class Pause
    {
        private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ManualResetEventSlim _released = new();

        /// <summary>Completes once something reads the clock and is held.</summary>
        public Task Reached => _reached.Task;

        public void Release() => _released.Set();

        internal void Wait()
        {
            _reached.TrySetResult();
            _released.Wait(LongestPause);
        }
    }
}
