using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Platform;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Platform;

/// <summary>Which stores an onboarding sent again may still fill: only those created to be filled and not yet filled.</summary>
public sealed class TenantFillingTests(FlakyStorageCluster cluster) : IClassFixture<FlakyStorageCluster>
{
    [Fact]
    public async Task IsFilledAsync_OfAStoreJustCreated_IsFalseUntilMarked()
    {
        using var _ = ClusterFixture.ActAsPlatform();
        var tenant = ClusterFixture.NewTenant();
        await Directory.CreateAsync(new TenantSpec(tenant.Value, "New store", [$"{tenant.Value}.new.test"], "{}"));

        Assert.False(await Store(tenant).IsFilledAsync());
        await Store(tenant).MarkFilledAsync();
        Assert.True(await Store(tenant).IsFilledAsync());
    }

    [Fact]
    public async Task IsFilledAsync_OfARecordFromBeforeTheFillingMarker_IsTrue()
    {
        using var _ = ClusterFixture.ActAsPlatform();
        var tenant = ClusterFixture.NewTenant();
        var record = Store(tenant);
        // As the previous release stored it: a profile, and neither the marker nor the field saying it is kept.
        cluster.Storage.Overwrite("tenant", record.GetGrainId(), new TenantState
        {
            Profile = new TenantProfile(tenant.Value, "Old store", new List<string> { $"{tenant.Value}.old.test" }, "{}", TenantStatus.Active, DateTimeOffset.UnixEpoch, TenantGrain.DefaultZone),
        });

        Assert.True(await record.IsFilledAsync());
    }

    private ITenantDirectoryGrain Directory => cluster.Client.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key);

    private ITenantGrain Store(TenantId tenant) => cluster.Client.GetGrain<ITenantGrain>(TenantKey.For(tenant, ITenantGrain.EntityId));
}
