using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MultiStore.Grains.Audit;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Audit;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;
using Orleans.Serialization;
using Orleans.Storage;

namespace MultiStore.Grains.Tests.Audit;

/// <summary>
/// Audit retention: a trail's pages whose newest entry is older than <c>Audit:RetentionDays</c> leave storage, oldest
/// first and a few a run, whether the trail is still written to or not; nothing younger than the retention goes, and
/// reads end at the first page kept.
/// </summary>
public sealed class AuditRetentionTests(AuditRetentionCluster cluster) : IClassFixture<AuditRetentionCluster>
{
    private const int Capacity = IAuditPageGrain.Capacity;
    private static readonly TimeSpan PastRetention = TimeSpan.FromDays(AuditRetentionCluster.RetentionDays + 1);

    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private IStoreAuditGrain Trail => cluster.Client.GetGrain<IStoreAuditGrain>(TenantKey.For(_tenant, IStoreAuditGrain.EntityId));

    [Fact]
    public async Task Append_StartingAPage_RemovesThePagesPastTheRetention_AndReadsNoLongerFindTheirEntries()
    {
        await AppendAsync(2 * Capacity);
        cluster.Time.Advance(PastRetention);

        await AppendAsync(1);

        Assert.Null(StoredPage(0));
        Assert.Null(StoredPage(1));
        Assert.Equal([2L * Capacity + 1], Assert.Single(StoredPages(2)).Entries.Keys);
        Assert.Equal(2, cluster.Storage.Stored<AuditTrailState>("audit", Trail.GetGrainId())!.FirstKeptPage);
        Assert.Equal([2L * Capacity + 1], await ReadAllAsync());
        var stale = await ReadAsync(before: Capacity + 50, take: 10);
        Assert.Equal((0, null), (stale.Entries.Count, stale.NextBefore));
    }

    [Fact]
    public async Task Prune_APageWithOneEntryYoungerThanTheRetention_KeepsItWhole()
    {
        await AppendAsync((2 * Capacity) - 1);
        cluster.Time.Advance(TimeSpan.FromDays(AuditRetentionCluster.RetentionDays - 10));
        await AppendAsync(1);
        // Page 0's newest entry is now past the retention; page 1's newest is 10 days younger than it.
        cluster.Time.Advance(TimeSpan.FromDays(11));

        await AppendAsync(1);

        Assert.Null(StoredPage(0));
        Assert.Equal(Capacity, StoredPage(1)!.Entries.Count);
        Assert.Equal(Sequences(Capacity + 1, (2 * Capacity) + 1), await ReadAllAsync());
    }

    [Fact]
    public async Task Reminder_OfATrailNoOneWritesToAnyMore_RemovesItsOldPages_ButNotThePageBeingFilled()
    {
        await AppendAsync((2 * Capacity) + 50);
        Assert.Equal(AuditRetention.Daily, (await ReminderAsync())?.Period);
        cluster.Time.Advance(PastRetention);

        await TickAsync();

        Assert.Null(StoredPage(0));
        Assert.Null(StoredPage(1));
        // Every entry of the page being filled is past the retention too, but appends still go there.
        Assert.Equal(50, StoredPage(2)!.Entries.Count);
        Assert.Equal(Sequences((2 * Capacity) + 1, (2 * Capacity) + 50), await ReadAllAsync());
        Assert.Null(await ReminderAsync());
    }

    [Fact]
    public async Task Reminder_OfATrailFarBehind_ClearsABoundedNumberOfPagesPerRun_AndComesBackSoon()
    {
        await AppendAsync(6 * Capacity);
        cluster.Time.Advance(PastRetention);

        await TickAsync();

        Assert.All(Enumerable.Range(0, AuditRetentionCluster.PagesPerRun), page => Assert.Null(StoredPage(page)));
        Assert.NotNull(StoredPage(AuditRetentionCluster.PagesPerRun));
        Assert.Equal(AuditRetention.CatchingUp, (await ReminderAsync())?.Period);

        await TickAsync();

        Assert.All(Enumerable.Range(0, 5), page => Assert.Null(StoredPage(page)));
        Assert.Equal(Sequences((5 * Capacity) + 1, 6 * Capacity), await ReadAllAsync());
        Assert.Null(await ReminderAsync());
    }

    [Fact]
    public async Task Read_AcrossTheFirstKeptPage_EndsThere_WithoutACursorIntoRemovedEntries()
    {
        await AppendAsync(Capacity);
        cluster.Time.Advance(PastRetention);
        await AppendAsync(2 * Capacity);
        await TickAsync();
        Assert.Null(StoredPage(0));
        var firstKept = Capacity + 1L;

        var spanning = await ReadAsync(before: firstKept + 20, take: 30);
        Assert.Equal(Sequences(firstKept, firstKept + 19), spanning.Entries.Select(entry => entry.Sequence));
        Assert.Null(spanning.NextBefore);

        var exact = await ReadAsync(before: firstKept + 3, take: 3);
        Assert.Equal(Sequences(firstKept, firstKept + 2), exact.Entries.Select(entry => entry.Sequence));
        Assert.Null(exact.NextBefore);

        var above = await ReadAsync(before: firstKept + 4, take: 3);
        Assert.Equal(firstKept + 1, above.NextBefore);
        Assert.Equal([firstKept], (await ReadAsync(above.NextBefore, 3)).Entries.Select(entry => entry.Sequence));

        // A cursor from before the removal reads no removed page (it would activate it from storage).
        var removedPage = cluster.Client.GetGrain<IAuditPageGrain>(AuditKeys.StorePage(_tenant, 0));
        await WaitUntilInactiveAsync(removedPage);
        var stale = await ReadAsync(before: 50, take: 10);
        Assert.Equal((0, null), (stale.Entries.Count, stale.NextBefore));
        Assert.Null(await cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(removedPage));
    }

    [Fact]
    public async Task PlatformTrail_RemovesItsPagesPastTheRetention_AsAStoresDoes()
    {
        var trail = cluster.Client.GetGrain<IPlatformAuditGrain>(IPlatformAuditGrain.Key);
        using var platform = ClusterFixture.ActAsPlatform();
        var first = await trail.AppendAsync(Record("platform-old"));
        Assert.Equal(1, first);
        for (var i = 1; i < 2 * Capacity; i++)
        {
            await trail.AppendAsync(Record("platform-old"));
        }

        cluster.Time.Advance(PastRetention);
        await trail.AppendAsync(Record("platform-new"));

        Assert.Null(cluster.Storage.Stored<AuditPageState>("audit-page", PlatformPage(0)));
        Assert.Null(cluster.Storage.Stored<AuditPageState>("audit-page", PlatformPage(1)));
        Assert.Equal(2, cluster.Storage.Stored<AuditTrailState>("platform-audit", trail.GetGrainId())!.FirstKeptPage);
        var read = await trail.ReadAsync(null, Capacity);
        Assert.Equal(["platform-new"], read.Entries.Select(entry => entry.Record.Action));
        Assert.Null(read.NextBefore);

        GrainId PlatformPage(long page) => cluster.Client.GetGrain<IAuditPageGrain>(AuditKeys.PlatformPage(page)).GetGrainId();
    }

    [Fact]
    public async Task HeadStoredBeforeRetention_Loads_WithNothingRemoved_AndGetsItsReminderOnActivation()
    {
        await AppendAsync((2 * Capacity) + 1);
        await cluster.DeactivateAsync(Trail);
        // The previous release registered no reminder, and stored no FirstKeptPage.
        Assert.True(await cluster.Reminders.RemoveRow(Trail.GetGrainId(), AuditRetention.ReminderName, (await ReminderAsync())!.ETag!));
        var json = new SystemTextJsonGrainStorageSerializer(Options.Create(new SystemTextJsonGrainStorageSerializerOptions()));
        var earlier = json.Deserialize<AuditTrailState>(BinaryData.FromString($$"""{"LastSequence":{{(2 * Capacity) + 1}}}"""))!;
        Assert.Equal(0, earlier.FirstKeptPage);
        cluster.Storage.Overwrite("audit", Trail.GetGrainId(), earlier);

        Assert.Equal(Sequences(1, (2 * Capacity) + 1), await ReadAllAsync());
        Assert.Equal(AuditRetention.Daily, (await ReminderAsync())?.Period);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("3651")]
    public async Task Start_WithRetentionDaysOutOfRange_IsRefused_NamingTheKey(string days)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Audit:RetentionDays"] = days });
        builder.UseOrleans(silo => silo.UseLocalhostClustering().AddMultiStoreGrains().UseEmbeddedStorage());
        using var host = builder.Build();

        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Audit:RetentionDays", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(400)]
    [InlineData(3650)]
    public void Validator_AcceptsRetentionDaysFrom1To3650(int days) =>
        Assert.True(new AuditOptionsValidator().Validate(null, new AuditOptions { RetentionDays = days }).Succeeded);

    private async Task AppendAsync(int count)
    {
        using var recorder = ClusterFixture.ActAs(_tenant);
        for (var i = 0; i < count; i++)
        {
            await Trail.AppendAsync(Record("action"));
        }
    }

    private async Task<AuditPage> ReadAsync(long? before, int take)
    {
        using var owner = TenantContext.ForCaller(_tenant, ClusterFixture.Actor, [StorePermission.AuditRead]);
        return await Trail.ReadAsync(before, take);
    }

    /// <summary>Every sequence the trail answers, newest first, following its cursors.</summary>
    private async Task<List<long>> ReadAllAsync()
    {
        var seen = new List<long>();
        long? before = null;
        do
        {
            var page = await ReadAsync(before, Capacity);
            seen.AddRange(page.Entries.Select(entry => entry.Sequence));
            before = page.NextBefore;
        }
        while (before is not null);

        return seen;
    }

    /// <summary>What the reminder service would do at the retention reminder's due time.</summary>
    private Task TickAsync() => cluster.Client.GetGrain<IRemindable>(Trail.GetGrainId())
        .ReceiveReminder(AuditRetention.ReminderName, new TickStatus(DateTime.UtcNow, AuditRetention.Daily, DateTime.UtcNow));

    private async Task<ReminderEntry?> ReminderAsync() => await cluster.Reminders.ReadRow(Trail.GetGrainId(), AuditRetention.ReminderName);

    private AuditPageState? StoredPage(long page) =>
        cluster.Storage.Stored<AuditPageState>("audit-page", cluster.Client.GetGrain<IAuditPageGrain>(AuditKeys.StorePage(_tenant, page)).GetGrainId());

    private IEnumerable<AuditPageState> StoredPages(long page) => StoredPage(page) is { } stored ? [stored] : [];

    private async Task WaitUntilInactiveAsync(IAddressable grain)
    {
        var management = cluster.Client.GetGrain<IManagementGrain>(0);
        var address = await Eventually.ReadAsync(() => management.GetActivationAddress(grain).AsTask(), found => found is null);
        Assert.Null(address);
    }

    /// <summary>Newest first, as reads answer.</summary>
    private static List<long> Sequences(long oldest, long newest) => [.. Enumerable.Range(0, (int)(newest - oldest + 1)).Select(i => newest - i)];

    private AuditRecord Record(string action) =>
        new(cluster.Time.GetUtcNow(), "user:test", "owner", action, "/admin/x", AuditOutcomes.Succeeded, 200, "host", "trace");
}
