using System.Text.Json;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Platform;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Platform;

/// <summary>
/// The directory keeps store ids only and lists a page at a time. Each test runs its own directory (a grain key of its
/// own), so it sees exactly the stores it onboarded and what storage holds of that directory alone.
/// </summary>
public sealed class TenantDirectoryIndexTests(FlakyStorageCluster cluster) : IClassFixture<FlakyStorageCluster>
{
    private const string PreviousRow = "directory";
    private const string IndexRow = "directory-index";

    private readonly ITenantDirectoryGrain _directory = cluster.Client.GetGrain<ITenantDirectoryGrain>($"test-{Guid.NewGuid():N}");
    private readonly string _prefix = $"d{Guid.NewGuid():N}"[..12];

    [Fact]
    public async Task ListPageAsync_PageByPage_WalksEveryStoreOnceInIdOrder()
    {
        using var _ = ClusterFixture.ActAsPlatform();
        var ids = new[] { "e", "b", "d", "a", "c" }.Select(suffix => _prefix + suffix).ToList();
        foreach (var id in ids)
        {
            await _directory.CreateAsync(Spec(id));
        }

        var pages = new List<TenantPage>();
        string? after = null;
        do
        {
            pages.Add(await _directory.ListPageAsync(after, limit: 2));
            after = pages[^1].Next;
        }
        while (after is not null && pages.Count < 10);

        Assert.Equal([2, 2, 1], pages.Select(page => page.Stores.Count));
        Assert.Equal([pages[0].Stores[^1].Id, pages[1].Stores[^1].Id, null], pages.Select(page => page.Next));
        var listed = pages.SelectMany(page => page.Stores).ToList();
        Assert.Equal(ids.Order(StringComparer.Ordinal), listed.Select(profile => profile.Id));
        Assert.Equal(listed.Select(profile => profile.Id), (await _directory.ListAsync()).Select(profile => profile.Id));
        foreach (var profile in listed)
        {
            Assert.Equivalent(await Record(profile.Id).GetAsync(), profile, strict: true);
        }

        // A cursor need not be a listed id: the page starts at the next id in order.
        Assert.Equal([_prefix + "c", _prefix + "d"], (await _directory.ListPageAsync(_prefix + "bb", 2)).Stores.Select(profile => profile.Id));
        var beyond = await _directory.ListPageAsync(_prefix + "z", 2);
        Assert.Empty(beyond.Stores);
        Assert.Null(beyond.Next);
    }

    [Fact]
    public async Task ListPageAsync_ShowsTheStatusOfTheStoresOwnRecord()
    {
        using var _ = ClusterFixture.ActAsPlatform();
        var id = _prefix + "s";
        await _directory.CreateAsync(Spec(id));
        await Record(id).SetStatusAsync(TenantStatus.Suspended);

        Assert.Equal(TenantStatus.Suspended, Assert.Single((await _directory.ListPageAsync(null, 10)).Stores).Status);
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData(null, -1)]
    [InlineData(null, ITenantDirectoryGrain.MaxPageSize + 1)]
    [InlineData("Not An Id", 10)]
    [InlineData("", 10)]
    public async Task ListPageAsync_LimitOutOfRangeOrCursorNoStoreId_IsRefusedAsInvalidPage(string? after, int limit)
    {
        using var _ = ClusterFixture.ActAsPlatform();

        await StoreAssert.RefusedAsync(RuleCodes.InvalidPage, () => _directory.ListPageAsync(after, limit));
    }

    [Fact]
    public async Task ListPageAsync_OutsideThePlatformScope_IsRefused_EvenForAStoreItsOwnListing()
    {
        var id = _prefix + "o";
        using (ClusterFixture.ActAsPlatform())
        {
            await _directory.CreateAsync(Spec(id));
        }

        await Assert.ThrowsAsync<TenantIsolationException>(() => _directory.ListPageAsync(null, 10));
        using (ClusterFixture.ActAs(TenantId.Parse(id)))
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => _directory.ListPageAsync(null, 10));
        }
    }

    [Fact]
    public async Task StoredRow_HoldsStoreIdsOnly_WhateverTheThemes()
    {
        using var _ = ClusterFixture.ActAsPlatform();
        var bigTheme = JsonSerializer.Serialize(new { css = new string('x', 15 * 1024) });
        var ids = new[] { "a", "b", "c" }.Select(suffix => _prefix + suffix).ToList();
        foreach (var id in ids)
        {
            await _directory.CreateAsync(Spec(id) with { ThemeJson = bigTheme });
        }

        var stored = cluster.Storage.Stored<TenantDirectoryIndex>(IndexRow, _directory.GetGrainId());
        Assert.Equal(ids, stored?.Ids);
        // As PostgreSQL's storage writes it (plain System.Text.Json): a few dozen characters per store, not its theme.
        var row = JsonSerializer.Serialize(stored);
        Assert.True(row.Length < 200, $"The directory's row holds more than ids: {row.Length} characters");
        // The previous release's row is never written.
        Assert.Null(cluster.Storage.Stored<TenantDirectoryState>(PreviousRow, _directory.GetGrainId()));
    }

    [Fact]
    public async Task SetStatusAsync_OfAListedStore_DoesNotWriteTheDirectorysRow()
    {
        using var _ = ClusterFixture.ActAsPlatform();
        var id = _prefix + "p";
        await _directory.CreateAsync(Spec(id));
        cluster.Storage.FailNextWrite(_directory.GetGrainId());

        Assert.Equal(TenantStatus.Suspended, (await _directory.SetStatusAsync(id, TenantStatus.Suspended)).Status);
        Assert.Equal(TenantStatus.Active, (await _directory.SetStatusAsync(id, TenantStatus.Active)).Status);

        Assert.True(cluster.Storage.WillFail(_directory.GetGrainId()), "A suspension or resumption wrote the directory's row");
    }

    [Fact]
    public async Task Activation_OverAPreviousReleasesRow_ListsTheSameStores_AndLaterOnesItAdds()
    {
        using var _ = ClusterFixture.ActAsPlatform();
        // Stores onboarded by the previous release: each has its own record, and the directory's row holds every
        // profile (theme and status included). This directory was never activated by this release.
        var ids = new[] { "c", "a", "b" }.Select(suffix => _prefix + suffix).ToList();
        var previous = new TenantDirectoryState();
        foreach (var id in ids)
        {
            previous.Tenants[id] = await Record(id).CreateAsync(Spec(id));
        }

        await Record(ids[0]).SetStatusAsync(TenantStatus.Suspended);
        cluster.Storage.Overwrite(PreviousRow, _directory.GetGrainId(), previous);

        var expected = ids.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, (await _directory.ListPageAsync(null, 10)).Stores.Select(profile => profile.Id));
        Assert.Equal(expected, (await _directory.ListAsync()).Select(profile => profile.Id));
        Assert.Equal(TenantStatus.Suspended, Assert.Single(await _directory.ListAsync(), profile => profile.Id == ids[0]).Status);
        Assert.True(await _directory.ContainsAsync(ids[1]));
        Assert.Equal(expected, cluster.Storage.Stored<TenantDirectoryIndex>(IndexRow, _directory.GetGrainId())?.Ids);
        await StoreAssert.RefusedAsync(RuleCodes.TenantExists, () => _directory.CreateAsync(Spec(ids[1]) with { Name = "Impostor" }));

        // A previous-release silo hosting the directory during the rolling upgrade onboards a store into its own row.
        var late = _prefix + "d";
        previous.Tenants[late] = await Record(late).CreateAsync(Spec(late));
        await cluster.DeactivateAsync(_directory);
        cluster.Storage.Overwrite(PreviousRow, _directory.GetGrainId(), previous);

        Assert.Equal([.. expected, late], (await _directory.ListAsync()).Select(profile => profile.Id));
        Assert.Equal(previous.Tenants.Keys.Order(StringComparer.Ordinal), cluster.Storage.Stored<TenantDirectoryState>(PreviousRow, _directory.GetGrainId())?.Tenants.Keys.Order(StringComparer.Ordinal));
    }

    private ITenantGrain Record(string id) => cluster.Client.GetGrain<ITenantGrain>(TenantKey.For(TenantId.Parse(id), ITenantGrain.EntityId));

    private static TenantSpec Spec(string id) => new(id, $"Store {id}", [$"{id}.dir.test"], """{"primary":"#123456"}""");
}
