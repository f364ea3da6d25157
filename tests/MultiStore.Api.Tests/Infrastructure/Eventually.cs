namespace MultiStore.Api.Tests.Infrastructure;

/// <summary>
/// For work the Api finishes after the client has its answer (the audit entry of a refused store switch, written once
/// the refusal is sent): reads until the expected state shows up or a deadline passes. The wait only bounds the test;
/// the assertion is always on the exact state.
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
