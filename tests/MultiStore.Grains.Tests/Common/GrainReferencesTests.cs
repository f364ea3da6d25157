using MultiStore.Grains.Interfaces.Carts;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Common;

[Collection(ClusterCollection.Name)]
public sealed class GrainReferencesTests(ClusterFixture cluster)
{
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    [Fact]
    public void GetGrainByKey_FirstAndLaterCalls_NameTheGrainAndInterfaceThatGetGrainNames()
    {
        var client = cluster.Client;
        foreach (var key in new[] { TenantKey.For(_tenant, "sku-1~main"), TenantKey.For(_tenant, "sku-2~main") })
        {
            AssertSameReference(client.GetGrain<IStockGrain>(key), client.GetGrainByKey<IStockGrain>(key));
        }

        var cart = TenantKey.For(_tenant, Guid.NewGuid().ToString("D"));
        AssertSameReference(client.GetGrain<ICartGrain>(cart), client.GetGrainByKey<ICartGrain>(cart));
        AssertSameReference(client.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key), client.GetGrainByKey<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key));
    }

    [Fact]
    public async Task GetGrainByKey_Reference_ReachesTheSameActivation()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var key = TenantKey.For(_tenant, StockEntryId.Format("sku-ref", ClusterFixture.DefaultZone));
        await cluster.Client.GetGrain<IStockGrain>(key).AdjustAsync(new StockAdjustment(Delta: null, SetOnHand: 7, SafetyStock: 0, Reason: "received"));

        var entry = await cluster.Client.GetGrainByKey<IStockGrain>(key).GetAsync();

        Assert.Equal(7, entry.OnHand);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void GetGrainByKey_BlankKey_IsRefusedAsGetGrainRefusesIt(string key) =>
        Assert.ThrowsAny<ArgumentException>(() => cluster.Client.GetGrainByKey<IStockGrain>(key));

    private static void AssertSameReference<TGrain>(TGrain expected, TGrain actual)
        where TGrain : IGrainWithStringKey
    {
        var (want, got) = ((GrainReference)(object)expected, (GrainReference)(object)actual);
        Assert.Equal(want.GrainId, got.GrainId);
        Assert.Equal(want.InterfaceType, got.InterfaceType);
        Assert.IsType(expected.GetType(), actual);
    }
}
