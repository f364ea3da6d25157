using MultiStore.Grains.Interfaces.Audit;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Audit;

/// <summary>
/// Audit trails: numbered without gaps, read newest first in bounded pages, written only by trusted code, read by the
/// store's owner or a platform operator, and their pages reachable from inside the cluster only.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AuditTrailGrainTests(ClusterFixture cluster)
{
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    [Fact]
    public async Task Trail_ReadInPages_ReturnsEveryEntryOnceNewestFirst()
    {
        var trail = Trail(_tenant);
        using (ClusterFixture.ActAs(_tenant))
        {
            for (var i = 1; i <= 250; i++)
            {
                Assert.Equal(i, await trail.AppendAsync(Record($"action-{i}")));
            }
        }

        var seen = new List<long>();
        using (OwnerOf(_tenant))
        {
            long? before = null;
            do
            {
                var page = await trail.ReadAsync(before, IAuditPageGrain.Capacity);
                Assert.InRange(page.Entries.Count, 1, IAuditPageGrain.Capacity);
                Assert.All(page.Entries, entry => Assert.Equal($"action-{entry.Sequence}", entry.Record.Action));
                seen.AddRange(page.Entries.Select(entry => entry.Sequence));
                before = page.NextBefore;
            }
            while (before is not null);

            var middle = await trail.ReadAsync(before: 151, take: 7);
            Assert.Equal([150L, 149, 148, 147, 146, 145, 144], middle.Entries.Select(entry => entry.Sequence));
            Assert.Equal(144, middle.NextBefore);
        }

        Assert.Equal(Enumerable.Range(1, 250).Select(i => (long)i).Reverse(), seen);
    }

    [Fact]
    public async Task Append_WithoutTheRecordersGrant_IsRefused_EvenForTheOwner()
    {
        var trail = Trail(_tenant);
        using (OwnerOf(_tenant))
        {
            await Assert.ThrowsAsync<StorePermissionException>(() => trail.AppendAsync(Record("forged")));
        }

        using (OwnerOf(_tenant))
        {
            Assert.Empty((await trail.ReadAsync(null, 10)).Entries);
        }
    }

    [Fact]
    public async Task Read_ByOtherRolesOrStores_IsRefused_ByThePlatform_IsAllowed()
    {
        var trail = Trail(_tenant);
        using (ClusterFixture.ActAs(_tenant))
        {
            await trail.AppendAsync(Record("kept"));
        }

        using (TenantContext.ForCaller(_tenant, ClusterFixture.Actor, [StorePermission.StockRead, StorePermission.OrdersRead]))
        {
            await Assert.ThrowsAsync<StorePermissionException>(() => trail.ReadAsync(null, 10));
        }

        var other = ClusterFixture.NewTenant();
        using (TenantContext.ForCaller(other, ClusterFixture.Actor, [StorePermission.AuditRead]))
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => trail.ReadAsync(null, 10));
        }

        using (ClusterFixture.ActAsPlatform())
        {
            Assert.Equal("kept", Assert.Single((await trail.ReadAsync(null, 10)).Entries).Record.Action);
            await Assert.ThrowsAsync<TenantIsolationException>(() => trail.AppendAsync(Record("platform-forged")));
        }
    }

    [Fact]
    public async Task Pages_AreUnreachableFromOutsideTheCluster()
    {
        using (ClusterFixture.ActAs(_tenant))
        {
            await Trail(_tenant).AppendAsync(Record("inside"));
            var page = cluster.Client.GetGrain<IAuditPageGrain>(AuditKeys.StorePage(_tenant, 0));

            await Assert.ThrowsAsync<TenantIsolationException>(() => page.ReadAsync(long.MaxValue, 10));
            await Assert.ThrowsAsync<TenantIsolationException>(() => page.AppendAsync(new AuditEntry(2, Record("smuggled"))));
        }

        using (OwnerOf(_tenant))
        {
            Assert.Equal("inside", Assert.Single((await Trail(_tenant).ReadAsync(null, 10)).Entries).Record.Action);
        }
    }

    [Fact]
    public async Task PlatformTrail_OutsideThePlatformScope_IsRefused()
    {
        var trail = cluster.Client.GetGrain<IPlatformAuditGrain>(IPlatformAuditGrain.Key);

        using (ClusterFixture.ActAs(_tenant))
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => trail.AppendAsync(Record("from-a-store")));
            await Assert.ThrowsAsync<TenantIsolationException>(() => trail.ReadAsync(null, 10));
        }

        using (ClusterFixture.ActAsPlatform())
        {
            var sequence = await trail.AppendAsync(Record("platform"));
            Assert.Contains((await trail.ReadAsync(null, IAuditPageGrain.Capacity)).Entries, entry => entry.Sequence == sequence);
        }
    }

    [Theory]
    [InlineData(null, 0)]
    [InlineData(null, 101)]
    [InlineData(0L, 10)]
    public async Task Read_OutOfRangePaging_IsARuleRefusal(long? before, int take)
    {
        using (OwnerOf(_tenant))
        {
            await Assert.ThrowsAsync<StoreRuleException>(() => Trail(_tenant).ReadAsync(before, take));
        }
    }

    private IStoreAuditGrain Trail(TenantId tenant) => cluster.Client.GetGrain<IStoreAuditGrain>(TenantKey.For(tenant, IStoreAuditGrain.EntityId));

    private static IDisposable OwnerOf(TenantId tenant) =>
        TenantContext.ForCaller(tenant, ClusterFixture.Actor, [StorePermission.AuditRead, StorePermission.StockRead, StorePermission.StockWrite]);

    /// <summary>Recorded now: an entry from long ago would be past the trail's retention, and its page removed.</summary>
    private AuditRecord Record(string action) =>
        new(cluster.Now, "user:test", "owner", action, "/admin/x", AuditOutcomes.Succeeded, 200, "host", "trace");
}
