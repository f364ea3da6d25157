using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Platform;

/// <summary>An onboarding that fails part-way leaves no domain bound to a store that was never created.</summary>
public sealed class OnboardingFailureTests(FlakyStorageCluster cluster) : IClassFixture<FlakyStorageCluster>
{
    [Fact]
    public async Task CreateAsync_WhoseSecondDomainClaimFails_ReleasesTheFirst_AndARetryOnboardsTheStore()
    {
        using var _ = ClusterFixture.ActAsPlatform();
        var tenant = ClusterFixture.NewTenant();
        var (first, second) = ($"{tenant.Value}.one.test", $"{tenant.Value}.two.test");
        var spec = new TenantSpec(tenant.Value, "Half-made store", [first, second], "{}");
        var directory = cluster.Client.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key);
        cluster.Storage.FailNextWrite(cluster.Client.GetGrain<IHostNameGrain>(second).GetGrainId());

        await Assert.ThrowsAnyAsync<Exception>(() => directory.CreateAsync(spec));

        Assert.Null(await cluster.Client.GetGrain<IHostNameGrain>(first).ResolveAsync());
        Assert.Null(await cluster.Client.GetGrain<IHostNameGrain>(second).ResolveAsync());
        Assert.DoesNotContain(await directory.ListAsync(), profile => profile.Id == tenant.Value);

        var created = await directory.CreateAsync(spec);

        Assert.Equal(tenant.Value, created.Id);
        Assert.Equal(tenant.Value, (await cluster.Client.GetGrain<IHostNameGrain>(second).ResolveAsync())?.TenantId);
    }
}
