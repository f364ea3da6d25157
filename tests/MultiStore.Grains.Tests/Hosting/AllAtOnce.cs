namespace MultiStore.Grains.Tests.Hosting;

/// <summary>Calls that must reach a grain at the same moment, as a crowd of shoppers does.</summary>
public static class AllAtOnce
{
    /// <summary>
    /// Starts every call on its own task, holds them all behind one gate, then opens it. The ambient tenant
    /// context is captured when each task is created, so every call carries it.
    /// </summary>
    public static async Task<T[]> RunAsync<T>(IEnumerable<Func<Task<T>>> calls)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = calls.Select(call => Task.Run(async () =>
        {
            await gate.Task;
            return await call();
        })).ToArray();
        gate.SetResult();
        return await Task.WhenAll(tasks);
    }
}
