using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Interfaces.Warehouse;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Warehouse;

[Collection(ClusterCollection.Name)]
public sealed class WarehouseGrainTests(ClusterFixture cluster)
{
    private readonly TenantId _tenant = ClusterFixture.NewTenant();

    private IWarehouseGrain Warehouse => cluster.Client.GetGrain<IWarehouseGrain>(TenantKey.For(_tenant, IWarehouseGrain.EntityId));

    [Fact]
    public async Task GetAsync_NewStore_HasOnlyMainAsDefault()
    {
        using var _ = ClusterFixture.ActAs(_tenant);

        var warehouse = await Warehouse.GetAsync();

        Assert.Equal("main", warehouse.DefaultZone);
        Assert.Equal([new Zone("main", "Main")], warehouse.Zones);
    }

    [Fact]
    public async Task PutZoneAsync_AddAndMakeDefault_ListsZonesByIdWithTheNewDefault()
    {
        using var _ = ClusterFixture.ActAs(_tenant);

        await Warehouse.PutZoneAsync("west", "West", makeDefault: false);
        var warehouse = await Warehouse.PutZoneAsync("east", "East", makeDefault: true);
        var renamed = await Warehouse.PutZoneAsync("east", "East hall", makeDefault: false);

        Assert.Equal("east", warehouse.DefaultZone);
        Assert.Equal(["east", "main", "west"], warehouse.Zones.Select(zone => zone.Id));
        Assert.Equal("east", renamed.DefaultZone);
        Assert.Equal("East hall", renamed.Zones[0].Name);
    }

    [Fact]
    public async Task GetDefaultZoneAsync_IsMain_UntilAnotherZoneIsMadeDefault()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        var before = await Warehouse.GetDefaultZoneAsync();

        await Warehouse.PutZoneAsync("east", "East", makeDefault: true);

        Assert.Equal("main", before);
        Assert.Equal("east", await Warehouse.GetDefaultZoneAsync());
    }

    [Fact]
    public async Task PutZoneAsync_NameTypedDecomposed_IsStoredComposed_SoTheComposedFormIsTheSameName()
    {
        using var _ = ClusterFixture.ActAs(_tenant);
        await Warehouse.PutZoneAsync("cafe", "Caf\u00e9", makeDefault: false);

        // The same name as a keyboard may send it: "e" and a combining acute accent.
        var again = await Warehouse.PutZoneAsync("cafe", "Cafe\u0301", makeDefault: false);

        Assert.Equal("Caf\u00e9", again.Zones.Single(zone => zone.Id == "cafe").Name);
    }

    [Theory]
    [InlineData("MAIN", "x")]
    [InlineData("a@b", "x")]
    [InlineData("ok", "")]
    public async Task PutZoneAsync_BadZoneOrName_IsRefused(string zone, string name)
    {
        using var _ = ClusterFixture.ActAs(_tenant);

        await StoreAssert.RefusedAsync(RuleCodes.InvalidId, () => Warehouse.PutZoneAsync(zone, name, false));
    }
}
