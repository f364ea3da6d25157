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
}
