using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>Calls again while a stock entry answers that it is not durable: a broken activation is dropped once idle, and a retry may still meet it for a moment.</summary>
public static class NotDurableRetry
{
    public static async Task<T> RunAsync<T>(Func<Task<T>> call)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (NotDurableException) when (attempt < 500)
            {
                await Task.Delay(20);
            }
        }
    }
}
