using System.Security.Claims;
using System.Text;
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

    public static async Task<string> TakeAsync(ApiFactory api, IReadOnlyList<(string Host, StoreIds Ids)> stores)
    {
        var text = new StringBuilder();
        var reads = EndpointCatalog.All.Where(endpoint => endpoint.Method == "GET" && endpoint.Sample is not null && endpoint.InSnapshot).ToList();
        foreach (var (host, ids) in stores)
        {
            var owner = api.StoreToken(ids.TenantId, StoreRoles.Owner);
            foreach (var endpoint in reads.Where(endpoint => endpoint.Access is Access.Storefront or Access.StoreAdmin))
            {
                await AppendAsync(api, text, host, endpoint.Access == Access.StoreAdmin ? owner : null, endpoint.Sample!(ids));
            }
        }

        foreach (var demo in DemoStores)
        {
            var ids = new StoreIds(demo, "NO-SUCH-SKU", "main", Guid.Empty.ToString("D"), Guid.Empty.ToString("D"), Guid.Empty.ToString("D"), "no-such-handle");
            foreach (var endpoint in reads.Where(endpoint => endpoint.NamesNoEntity && endpoint.Access is Access.Storefront or Access.StoreAdmin))
            {
                await AppendAsync(api, text, $"{demo}.localhost", endpoint.Access == Access.StoreAdmin ? api.StoreToken(demo, StoreRoles.Owner) : null, endpoint.Sample!(ids));
            }
        }

        var first = stores[0].Ids;
        foreach (var endpoint in reads.Where(endpoint => endpoint.Access == Access.Platform))
        {
            await AppendAsync(api, text, "platform.test", api.PlatformToken(), endpoint.Sample!(first));
        }

        var now = DateTimeOffset.UtcNow;
        var ownerOfAll = api.Tokens.Issue("snapshot", stores.Select(store => new Claim(AuthClaims.StoreRole, AuthClaims.StoreRoleValue(store.Ids.TenantId, StoreRoles.Owner))), now, now.AddMinutes(10));
        foreach (var endpoint in reads.Where(endpoint => endpoint.Access == Access.StoreOwner))
        {
            await AppendAsync(api, text, "admin.example.test", ownerOfAll, endpoint.Sample!(first));
        }

        // Problem bodies carry a per-request trace id; drop it so equal states compare equal.
        return TraceId().Replace(text.ToString(), string.Empty);
    }

    private static async Task AppendAsync(ApiFactory api, StringBuilder text, string host, string? token, HttpRequestMessage request)
    {
        using var client = api.ClientFor(host, token);
        using (request)
        {
            using var response = await client.SendAsync(request);
            text.Append(host).Append(' ').Append(request.RequestUri).Append(' ').Append((int)response.StatusCode).Append(' ')
                .AppendLine(await response.Content.ReadAsStringAsync());
        }
    }

    [GeneratedRegex("\"traceId\":\"[^\"]*\"")]
    private static partial Regex TraceId();
}
