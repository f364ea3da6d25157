namespace MultiStore.Grains.Interfaces.Common;

/// <summary>
/// Reads one thing per item (a grain call per store, say) with at most a given number in flight, answering the results
/// in the items' order. Fan-outs over every store use it, so that a platform of thousands of stores does not send
/// thousands of calls at once. Runs on the caller's scheduler (a grain's, when called in one).
/// </summary>
public static class BoundedReads
{
    public static async Task<TResult[]> ReadEachAsync<TItem, TResult>(this IReadOnlyList<TItem> items, int maxInFlight, Func<TItem, Task<TResult>> read)
    {
        var results = new TResult[items.Count];
        using var gate = new SemaphoreSlim(maxInFlight);
        await Task.WhenAll(items.Select(async (item, index) =>
        {
            await gate.WaitAsync();
            try
            {
                results[index] = await read(item);
            }
            finally
            {
                gate.Release();
            }
        }));

        return results;
    }
}
