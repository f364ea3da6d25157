namespace MultiStore.Grains.Interfaces.Platform;

/// <summary>Every store of the directory, asked a page at a time: no single answer outgrows Orleans' message size.</summary>
public static class TenantDirectoryPages
{
    public static async Task<IReadOnlyList<TenantProfile>> ListAllAsync(
        this ITenantDirectoryGrain directory, CancellationToken cancellationToken = default, int pageSize = ITenantDirectoryGrain.MaxPageSize)
    {
        var stores = new List<TenantProfile>();
        string? after = null;
        do
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await directory.ListPageAsync(after, pageSize);
            stores.AddRange(page.Stores);
            after = page.Next;
        }
        while (after is not null);

        return stores;
    }
}
