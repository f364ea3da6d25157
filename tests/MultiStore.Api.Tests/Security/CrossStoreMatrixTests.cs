using System.Net;
using MultiStore.Api.Tenancy;
using MultiStore.Api.Tests.Tenancy;
using Xunit.Abstractions;

namespace MultiStore.Api.Tests.Security;

/// <summary>
/// Every endpoint of the running app × every caller (anonymous, platform operator, each store role) × where the
/// caller's role is (this store, another store, another store switching here with <c>X-Tenant-ID</c>), answered as
/// <see cref="AccessMatrix"/> says. A refusal is a problem+json and leaves both stores, the platform's view and the
/// owners' view exactly as they were (so does an allowed read); an allowed write changes its own store and leaves the
/// other exactly as it was.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CrossStoreMatrixTests(ApiFactory api, ITestOutputHelper output)
{
    // The world as the previous combination left it, when that one was to change nothing and did not: consecutive
    // combinations then share a snapshot (one's "after" is the next one's "before"), which halves the reads.
    private static string? _lastWorld;

    /// <summary>
    /// Writes whose catalog sample may set what is already there (the theme and zone name the test stores start with,
    /// no webhook to delete, an active store to resume): allowed, but with nothing to see afterwards.
    /// </summary>
    private static readonly HashSet<string> SamplesThatSetWhatIsThere =
        ["PUT /admin/storefront/theme", "PUT /admin/zones/{zone}", "DELETE /admin/webhooks", "POST /platform/tenants/{id}/resume"];

    /// <summary>One row per combination, for every catalogued endpoint the matrix has a line for.</summary>
    public static IEnumerable<object[]> Combinations =>
        from endpoint in EndpointCatalog.All
        where AccessMatrix.Endpoints.ContainsKey(endpoint.Key)
        from caller in AccessMatrix.Callers(AccessMatrix.Endpoints[endpoint.Key].Door)
        select new object[] { endpoint.Key, caller.Caller, caller.Standing };

    [Fact]
    public void Matrix_HasALineForEveryCataloguedEndpoint()
    {
        var catalogued = EndpointCatalog.All.Select(endpoint => endpoint.Key).ToList();

        var missing = catalogued.Except(AccessMatrix.Endpoints.Keys).ToList();
        Assert.True(
            missing.Count == 0,
            "These endpoints of EndpointCatalog.All have no line in tests/MultiStore.Api.Tests/Security/AccessMatrix.cs, so nobody "
            + "has written down who may call them. Add one line each to AccessMatrix.Endpoints, e.g. "
            + "[\"PUT /admin/things/{id}\"] = Store(\"things.write\"), Storefront, OwnerOfAnyStore or Operator:\n  " + string.Join("\n  ", missing));
        var stale = AccessMatrix.Endpoints.Keys.Except(catalogued).ToList();
        Assert.True(stale.Count == 0, "AccessMatrix.Endpoints has lines for endpoints EndpointCatalog.All does not list; remove them:\n  " + string.Join("\n  ", stale));
    }

    [Fact]
    public void Matrix_AgreesWithTheCatalogOnWhoEachEndpointIsFor()
    {
        var disagreements = EndpointCatalog.All
            .Where(endpoint => AccessMatrix.Endpoints.TryGetValue(endpoint.Key, out var demand) && DoorOf(endpoint.Access) != demand.Door)
            .Select(endpoint => $"{endpoint.Key}: catalog says {endpoint.Access}, matrix says {AccessMatrix.Endpoints[endpoint.Key]}")
            .ToList();

        Assert.True(disagreements.Count == 0, "EndpointCatalog.cs and AccessMatrix.cs disagree:\n  " + string.Join("\n  ", disagreements));
        Assert.All(
            AccessMatrix.Endpoints.Where(line => line.Value.Door == Door.StorePermissions),
            line => Assert.All(line.Value.Permissions, permission => AccessMatrix.Grants(Caller.Owner, permission)));
    }

    [Fact]
    public void Matrix_RolesTable_IsTheReadmeTable()
    {
        // README.md, "Roles and permissions": | permission[, permission] | ✓ | ✓ | | ✓ |
        var readme = File.ReadAllLines(Path.Combine(RepositoryRoot(), "README.md"));
        var header = Array.FindIndex(readme, line => line.StartsWith("| Permission | owner | brand-manager | warehouse | support |", StringComparison.Ordinal));
        Assert.True(header >= 0, "README.md has no '| Permission | owner | brand-manager | warehouse | support |' table any more.");
        var documented = readme.Skip(header + 2).TakeWhile(line => line.StartsWith('|'))
            .SelectMany(line =>
            {
                var cells = line.Trim('|').Split('|').Select(cell => cell.Trim()).ToArray();
                return cells[0].Split(',').Select(permission => $"{permission.Trim().Trim('`')} {string.Join(' ', cells[1..].Select(cell => cell == "✓" ? "Yes" : "No"))}");
            })
            .ToList();
        var tested = AccessMatrix.Roles
            .Select(row => $"{row.Permission} {Word(row.Owner)} {Word(row.BrandManager)} {Word(row.Warehouse)} {Word(row.Support)}")
            .ToList();

        Assert.True(
            documented.Order(StringComparer.Ordinal).SequenceEqual(tested.Order(StringComparer.Ordinal)),
            "README.md's roles table and AccessMatrix.Roles disagree (permission owner brand-manager warehouse support). Decide which is right, "
            + "then change the other (and Api/Auth/StorePermissions.cs if the app must change):\n  README only: "
            + string.Join(", ", documented.Except(tested)) + "\n  AccessMatrix only: " + string.Join(", ", tested.Except(documented)));
    }

    [Fact]
    public void Suite_ReportsItsEndpointByRoleByStoreCombinations()
    {
        var rows = Combinations.Select(row => (Key: (string)row[0], Caller: (Caller)row[1], Standing: (Standing)row[2])).ToList();
        var outcomes = rows.Select(row => AccessMatrix.Expected(AccessMatrix.Endpoints[row.Key], row.Caller, row.Standing)).ToList();
        var endpoints = rows.Select(row => row.Key).Distinct().Count();

        output.WriteLine($"cross-store matrix: {endpoints} endpoints, {rows.Count} endpoint x caller x store combinations");
        foreach (var standing in rows.GroupBy(row => row.Standing))
        {
            output.WriteLine($"  {standing.Key}: {standing.Count()}");
        }

        output.WriteLine($"  expected: {string.Join(", ", outcomes.GroupBy(outcome => outcome).OrderBy(group => group.Key).Select(group => $"{group.Key} {group.Count()}"))}");
        Assert.Equal(EndpointCatalog.All.Count, endpoints);
        Assert.True(outcomes.Contains(Outcome.Allowed) && outcomes.Contains(Outcome.Forbidden), "a matrix that allows everything or nothing proves little");
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public async Task Endpoint_ForCallerAndStore_AnswersAsTheMatrixSays(string key, Caller caller, Standing standing)
    {
        var endpoint = EndpointCatalog.Get(key);
        var demand = AccessMatrix.Endpoints[key];
        var expected = AccessMatrix.Expected(demand, caller, standing);
        var world = await IsolationWorld.GetAsync(api);
        var (own, other) = (world.Alpha, world.Beta);
        var changes = expected == Outcome.Allowed && endpoint.Method != "GET";
        // An allowed write acts on entities of its own, so that no combination depends on another having run first.
        var (ownHost, ids) = changes ? await FreshAsync(demand, own) : (own.Host, own.Ids);
        IReadOnlyList<(string Host, StoreIds Ids)> ownStore = [(ownHost, ids)], otherStore = [(other.Host, other.Ids)];
        var previous = Interlocked.Exchange(ref _lastWorld, null);
        var before = changes ? await WorldSnapshot.StoresAsync(api, otherStore) : previous ?? await WorldAsync(own, other);
        var ownBefore = changes ? await WorldSnapshot.TakeAsync(api, ownStore, demoStores: false) : null;
        var because = $"{key} as {caller} ({standing}), expected {expected}";

        using (var response = await SendAsync(endpoint, demand, ids, caller, standing, own, other))
        {
            if (expected == Outcome.Allowed)
            {
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.IsSuccessStatusCode, $"{because}: {(int)response.StatusCode} {body}");
                if (demand.Door == Door.OwnerOfAnyStore)
                {
                    // The cross-store view shows the stores the token owns, whatever the Host: the Host's store when the
                    // token owns it (the samples name its SKU), never a store it does not own.
                    var notOwned = standing == Standing.OwnStore ? other.Ids.TenantId : own.Ids.TenantId;
                    Assert.True(!body.Contains(notOwned, StringComparison.Ordinal), $"{because}: shows {notOwned}, which the token does not own: {body}");
                    Assert.True(standing != Standing.OwnStore || body.Contains(own.Ids.TenantId, StringComparison.Ordinal), $"{because}: does not show the owned store: {body}");
                }
            }
            else
            {
                var (status, code) = Problem(expected);
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(
                    response.StatusCode == status && response.Content.Headers.ContentType?.MediaType == Http.ProblemContentType,
                    $"{because}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {body}");
                await response.ExpectProblemAsync(status, code);
            }
        }

        if (changes)
        {
            Assert.Equal(before, await WorldSnapshot.StoresAsync(api, otherStore));
            if (!SamplesThatSetWhatIsThere.Contains(key))
            {
                Assert.True(ownBefore != await WorldSnapshot.TakeAsync(api, ownStore, demoStores: false), $"{because}: answered 2xx, but nothing changed in this store");
            }
        }
        else
        {
            var after = await WorldAsync(own, other);
            Assert.Equal(before, after);
            _lastWorld = after;
        }
    }

    /// <summary>Both stores, the platform's view and the owners' view, read through every read endpoint.</summary>
    private Task<string> WorldAsync(IsolatedStore own, IsolatedStore other) =>
        WorldSnapshot.TakeAsync(api, [(own.Host, own.Ids), (other.Host, other.Ids)], demoStores: false);

    private async Task<HttpResponseMessage> SendAsync(EndpointCase endpoint, Demand demand, StoreIds ids, Caller caller, Standing standing, IsolatedStore own, IsolatedStore other)
    {
        var token = caller switch
        {
            Caller.Anonymous => null,
            Caller.PlatformOperator => api.PlatformToken("matrix-operator"),
            _ => api.StoreToken(standing == Standing.OwnStore ? own.Ids.TenantId : other.Ids.TenantId, AccessMatrix.StoreRoleNames[caller], "matrix-user"),
        };
        var switching = standing == Standing.OtherStoreNamingThisOne;
        using var client = api.ClientFor(switching ? other.Host : own.Host, token);
        using var request = endpoint.Sample?.Invoke(ids) ?? EndpointCatalog.Request(HttpMethod.Get, demand.Url!);
        if (switching)
        {
            request.Headers.Add(TenantResolutionMiddleware.TenantHeader, own.Ids.TenantId);
        }

        return await client.SendAsync(request);
    }

    /// <summary>New entities for an allowed write: a new cart, orders and product in this store, or a new store for the platform.</summary>
    private async Task<(string Host, StoreIds Ids)> FreshAsync(Demand demand, IsolatedStore own)
    {
        if (demand.Door == Door.PlatformOperator)
        {
            var store = await IsolatedStore.PrepareAsync(api, "matrix");
            return (store.Host, store.Ids);
        }

        return (own.Host, await IsolatedStore.NewIdsAsync(own.Driver));
    }

    private static (HttpStatusCode Status, string? Code) Problem(Outcome outcome) => outcome switch
    {
        Outcome.Unauthorized => (HttpStatusCode.Unauthorized, "unauthorized"),
        Outcome.Forbidden => (HttpStatusCode.Forbidden, "forbidden"),
        Outcome.StoreNotGranted => (HttpStatusCode.Forbidden, "store-not-granted"),
        Outcome.NotFound => (HttpStatusCode.NotFound, null),
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not a refusal."),
    };

    private static Door DoorOf(Access access) => access switch
    {
        Access.Storefront => Door.Storefront,
        Access.StoreAdmin => Door.StorePermissions,
        Access.StoreOwner => Door.OwnerOfAnyStore,
        Access.Platform => Door.PlatformOperator,
        Access.System => Door.Anyone,
        _ => Door.Nobody,
    };

    private static string Word(bool granted) => granted ? "Yes" : "No";

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "MultiStore.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No MultiStore.sln above {AppContext.BaseDirectory}.");
    }
}
