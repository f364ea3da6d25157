namespace MultiStore.Tests.Shared;

/// <summary>
/// For work finished after the call a test made (a grain's timer tick after the fake clock moved, an audit entry the
/// Api writes once its answer is sent): reads until the expected state shows up or a deadline passes. The wait only
/// bounds the test; the assertion is always on the exact state. Linked into each test project that waits so.
/// </summary>
public static class Eventually
{
    public static async Task<T> ReadAsync<T>(Func<Task<T>> read, Func<T, bool> isDone, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            var value = await read();
            if (isDone(value) || DateTime.UtcNow > deadline)
            {
                return value;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20));
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; the test fails if it does not within 10 s.</summary>
    public static Task HoldsAsync(Func<bool> condition) => HoldsAsync(() => Task.FromResult(condition()));

    /// <inheritdoc cref="HoldsAsync(Func{bool})"/>
    public static async Task HoldsAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The condition did not hold within 10 s.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(10));
        }
    }
}
