using System.Security.Claims;
using System.Text.RegularExpressions;
using MultiStore.Api.Auth;

namespace MultiStore.Api.Tests.Infrastructure;

/// <summary>
/// The observable state of many stores at once, read through the API itself: the answer (status and body) of every
/// read endpoint of the catalog for each store (with that store's ids and owner token), the platform's read
/// endpoints and the owner's cross-store view. New read endpoints join the snapshot as soon as they are catalogued.
/// </summary>
public static partial class WorldSnapshot
{
    /// <summary>The demo stores, read through the reads that need no entity id.</summary>
    public static readonly string[] DemoStores = ["fiber-x", "suzume", "showstopper"];

    private static IEnumerable<EndpointCase> Reads =>
        EndpointCatalog.All.Where(endpoint => endpoint.Method == "GET" && endpoint.Sample is not null && endpoint.InSnapshot);

    /// <param name="demoStores">False to leave the demo stores out, where many snapshots of a few stores are taken.</param>
    public static Task<string> TakeAsync(ApiFactory api, IReadOnlyList<(string Host, StoreIds Ids)> stores, bool demoStores = true)
    {
        var reads = StoreReads(api, stores).ToList();
        foreach (var demo in demoStores ? DemoStores : [])
        {
            var ids = new StoreIds(demo, "NO-SUCH-SKU", "main", Guid.Empty.ToString("D"), Guid.Empty.ToString("D"), Guid.Empty.ToString("D"), "no-such-handle");
            var owner = api.StoreToken(demo, StoreRoles.Owner);
            reads.AddRange(Reads
                .Where(endpoint => endpoint.NamesNoEntity && endpoint.Access is Access.Storefront or Access.StoreAdmin)
                .Select(endpoint => new Read($"{demo}.localhost", endpoint.Access == Access.StoreAdmin ? owner : null, endpoint, ids)));
        }

        var first = stores[0].Ids;
        var platform = api.PlatformToken();
        reads.AddRange(Reads.Where(endpoint => endpoint.Access == Access.Platform).Select(endpoint => new Read("platform.test", platform, endpoint, first)));

        var now = DateTimeOffset.UtcNow;
        var ownerOfAll = api.Tokens.Issue("snapshot", stores.Select(store => new Claim(AuthClaims.StoreRole, AuthClaims.StoreRoleValue(store.Ids.TenantId, StoreRoles.Owner))), now, now.AddMinutes(10));
        reads.AddRange(Reads.Where(endpoint => endpoint.Access == Access.StoreOwner).Select(endpoint => new Read("admin.example.test", ownerOfAll, endpoint, first)));

        return ReadAllAsync(api, reads);
    }

    /// <summary>
    /// Only what the given stores show through their own store reads, without the platform's and owners' views over
    /// all stores: for checking that a legitimate change in one store leaves another exactly as it was.
    /// </summary>
    public static Task<string> StoresAsync(ApiFactory api, IReadOnlyList<(string Host, StoreIds Ids)> stores) =>
        ReadAllAsync(api, [.. StoreReads(api, stores)]);

    private static IEnumerable<Read> StoreReads(ApiFactory api, IReadOnlyList<(string Host, StoreIds Ids)> stores) =>
        from store in stores
        let owner = api.StoreToken(store.Ids.TenantId, StoreRoles.Owner)
        from endpoint in Reads
        where endpoint.Access is Access.Storefront or Access.StoreAdmin
        select new Read(store.Host, endpoint.Access == Access.StoreAdmin ? owner : null, endpoint, store.Ids);

    private static async Task<string> ReadAllAsync(ApiFactory api, IReadOnlyList<Read> reads)
    {
        // Reads change nothing, so they go out together; the text keeps their order.
        var answers = await Task.WhenAll(reads.Select(read => ReadAsync(api, read)));

        // Problem bodies carry a per-request trace id; drop it so equal states compare equal.
        return TraceId().Replace(string.Concat(answers), string.Empty);
    }

    private static async Task<string> ReadAsync(ApiFactory api, Read read)
    {
        using var client = api.ClientFor(read.Host, read.Token);
        using var request = read.Endpoint.Sample!(read.Ids);
        using var response = await client.SendAsync(request);
        return $"{read.Host} {request.RequestUri} {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n";
    }

    [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial Regex TraceId();

    private sealed record Read(string Host, string? Token, EndpointCase Endpoint, StoreIds Ids);
}
