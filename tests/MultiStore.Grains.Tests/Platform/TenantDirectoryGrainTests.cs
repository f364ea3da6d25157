using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;
using MultiStore.Grains.Tests.Hosting;

namespace MultiStore.Grains.Tests.Platform;

[Collection(ClusterCollection.Name)]
public sealed class TenantDirectoryGrainTests(ClusterFixture cluster)
{
    private readonly string _id = ClusterFixture.NewTenant().Value;

    [Fact]
    public async Task CreateAsync_NewStore_IsActiveWithMainZone()
    {
        var spec = Spec(_id, $"{_id}.shop.test", $"www.{_id}.shop.test");
        var createdAt = cluster.Now;

        var profile = await CreateAsync(spec);

        Assert.Equivalent(new TenantProfile(_id, spec.Name, spec.Domains, spec.ThemeJson, TenantStatus.Active, createdAt, "main"), profile, strict: true);
        using (ClusterFixture.ActAsPlatform())
        {
            Assert.Equivalent(profile, await cluster.Store(TenantId.Parse(_id)).GetAsync());
        }
    }

    [Fact]
    public async Task CreateAsync_NewStore_EveryDomainResolvesToIt()
    {
        var spec = Spec(_id, $"{_id}.shop.test", $"www.{_id}.shop.test");

        await CreateAsync(spec);

        foreach (var domain in spec.Domains)
        {
            Assert.Equal(new HostBinding(_id), await cluster.HostName(domain).ResolveAsync());
        }
    }

    [Fact]
    public async Task CreateAsync_ExistingId_IsRefusedAsTenantExists()
    {
        var first = await CreateAsync(Spec(_id, $"{_id}.shop.test"));

        using (ClusterFixture.ActAsPlatform())
        {
            await StoreAssert.RefusedAsync(RuleCodes.TenantExists, () => cluster.Directory.CreateAsync(Spec(_id, $"other-{_id}.shop.test") with { Name = "Impostor" }));
            Assert.Equivalent(first, await cluster.Store(TenantId.Parse(_id)).GetAsync());
        }

        Assert.Null(await cluster.HostName($"other-{_id}.shop.test").ResolveAsync());
    }

    [Fact]
    public async Task CreateAsync_TheSameStoreAskedAgain_AnswersTheStore_AnyOtherUnderItsIdIsRefused()
    {
        var spec = Spec(_id, $"{_id}.shop.test", $"www.{_id}.shop.test");
        var first = await CreateAsync(spec);

        // Its answer lost, or its filling failed: the onboarding is asked again, domains in any order.
        var again = await CreateAsync(spec with { Domains = [.. spec.Domains.Reverse()] });

        Assert.Equivalent(first, again, strict: true);
        using (ClusterFixture.ActAsPlatform())
        {
            await StoreAssert.RefusedAsync(RuleCodes.TenantExists, () => cluster.Directory.CreateAsync(spec with { ThemeJson = """{"primary":"#000000"}""" }));
            await cluster.Directory.SetStatusAsync(_id, TenantStatus.Suspended);
            // A suspended store is the platform's decision, not an onboarding to finish.
            await StoreAssert.RefusedAsync(RuleCodes.TenantExists, () => cluster.Directory.CreateAsync(spec));
        }
    }

    [Fact]
    public async Task CreateAsync_AskedAgainWithAnotherFilling_IsRefused_AndOneThatDoesNotSayIsAnswered()
    {
        var spec = Spec(_id, $"{_id}.shop.test") with { Filling = "currency=GBP" };
        var first = await CreateAsync(spec);

        using (ClusterFixture.ActAsPlatform())
        {
            await StoreAssert.RefusedAsync(RuleCodes.TenantExists, () => cluster.Directory.CreateAsync(spec with { Filling = "currency=USD" }));
            // The demo seed and a previous release's directory do not say: the store is theirs to finish, as before.
            Assert.Equivalent(first, await cluster.Directory.CreateAsync(spec with { Filling = null }), strict: true);
            Assert.Equivalent(first, await cluster.Directory.CreateAsync(spec), strict: true);
        }
    }

    [Fact]
    public async Task CreateAsync_DomainClaimedByAnotherStore_IsRefusedAsDomainTakenAndCreatesNothing()
    {
        var owner = await CreateAsync(Spec(_id, $"{_id}.shop.test"));
        var latecomer = ClusterFixture.NewTenant().Value;
        var freeDomain = $"{latecomer}.shop.test";

        using (ClusterFixture.ActAsPlatform())
        {
            await StoreAssert.RefusedAsync(RuleCodes.DomainTaken, () => cluster.Directory.CreateAsync(Spec(latecomer, freeDomain, owner.Domains[0])));

            Assert.Null(await cluster.Store(TenantId.Parse(latecomer)).GetAsync());
            Assert.DoesNotContain(await cluster.Directory.ListAsync(), p => p.Id == latecomer);
        }

        Assert.Equal(new HostBinding(_id), await cluster.HostName(owner.Domains[0]).ResolveAsync());
        Assert.Null(await cluster.HostName(freeDomain).ResolveAsync());
    }

    [Fact]
    public async Task CreateAsync_AfterRefusedDomain_SameIdCanStillBeCreated()
    {
        var owner = await CreateAsync(Spec(_id, $"{_id}.shop.test"));
        var latecomer = ClusterFixture.NewTenant().Value;
        using (ClusterFixture.ActAsPlatform())
        {
            await StoreAssert.RefusedAsync(RuleCodes.DomainTaken, () => cluster.Directory.CreateAsync(Spec(latecomer, $"{latecomer}.shop.test", owner.Domains[0])));
        }

        var created = await CreateAsync(Spec(latecomer, $"{latecomer}.shop.test"));

        Assert.Equal(TenantStatus.Active, created.Status);
        Assert.Equal(new HostBinding(latecomer), await cluster.HostName($"{latecomer}.shop.test").ResolveAsync());
    }

    [Fact]
    public async Task SetStatusAsync_Suspend_SuspendsProfileAndEveryDomain()
    {
        var spec = Spec(_id, $"{_id}.shop.test", $"www.{_id}.shop.test");
        await CreateAsync(spec);

        TenantProfile suspended;
        using (ClusterFixture.ActAsPlatform())
        {
            suspended = await cluster.Directory.SetStatusAsync(_id, TenantStatus.Suspended);
            Assert.Equal(TenantStatus.Suspended, (await cluster.Store(TenantId.Parse(_id)).GetAsync())?.Status);
            Assert.Equal(TenantStatus.Suspended, Assert.Single(await cluster.Directory.ListAsync(), p => p.Id == _id).Status);
        }

        Assert.Equal(TenantStatus.Suspended, suspended.Status);
        // Every domain still names the store, whose own record (suspended) is what resolving a host reads; the
        // binding's copy of the status follows for the previous release's readers.
        foreach (var domain in spec.Domains)
        {
            Assert.Equal(new HostBinding(_id, TenantStatus.Suspended), await cluster.HostName(domain).ResolveAsync());
        }
    }

    [Fact]
    public async Task HostName_ThePreviousReleasesClaim_StillAnswersWhetherTheHostIsTheStores()
    {
        using var _ = ClusterFixture.ActAsPlatform();
        var domain = $"{_id}.compat.shop.test";
        var directory = cluster.Client.GetGrain<IHostNameRelayGrain>(domain);

        Assert.True(await directory.ClaimAsync(new HostBinding(_id)));
        Assert.True(await directory.ClaimAsync(new HostBinding(_id)));
        Assert.False(await directory.ClaimAsync(new HostBinding("another-store")));
        Assert.Equal(new HostBinding(_id), await cluster.HostName(domain).ResolveAsync());
    }

    [Fact]
    public async Task HostName_WritesFromOutsideTheCluster_AreRefused_EvenForAPlatformOperator()
    {
        // Any cluster client (an Api, a tool with the cluster's address) could otherwise point a live store's domain
        // at another store, or free it for anyone to claim: only the directory changes host names.
        var spec = Spec(_id, $"{_id}.shop.test");
        await CreateAsync(spec);
        var host = cluster.HostName(spec.Domains[0]);
        var stray = cluster.HostName($"{_id}.stray.shop.test");

        using (ClusterFixture.ActAsPlatform())
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => host.ReleaseAsync(_id));
            await Assert.ThrowsAsync<TenantIsolationException>(() => host.SetStatusAsync(_id, TenantStatus.Suspended));
            await Assert.ThrowsAsync<TenantIsolationException>(() => stray.BindAsync(new HostBinding(_id)));
            await Assert.ThrowsAsync<TenantIsolationException>(() => stray.ClaimAsync(new HostBinding(_id)));
        }

        using (ClusterFixture.ActAs(TenantId.Parse(_id)))
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => host.ReleaseAsync(_id));
        }

        Assert.Equal(new HostBinding(_id), await host.ResolveAsync());
        Assert.Null(await stray.ResolveAsync());
        Assert.Equal(HostClaim.Bound, await cluster.Client.GetGrain<IHostNameRelayGrain>($"{_id}.stray.shop.test").BindAsync(new HostBinding(_id)));
    }

    [Fact]
    public async Task SetStatusAsync_Resume_MakesStoreAndDomainsActiveAgain()
    {
        var spec = Spec(_id, $"{_id}.shop.test");
        await CreateAsync(spec);

        TenantProfile resumed;
        using (ClusterFixture.ActAsPlatform())
        {
            await cluster.Directory.SetStatusAsync(_id, TenantStatus.Suspended);
            resumed = await cluster.Directory.SetStatusAsync(_id, TenantStatus.Active);
        }

        Assert.Equal(TenantStatus.Active, resumed.Status);
        using (ClusterFixture.ActAsPlatform())
        {
            Assert.Equal(TenantStatus.Active, (await cluster.Store(TenantId.Parse(_id)).GetAsync())?.Status);
        }

        Assert.Equal(new HostBinding(_id), await cluster.HostName(spec.Domains[0]).ResolveAsync());
    }

    [Fact]
    public async Task SetStatusAsync_UnknownStore_IsRefusedAsNotFound()
    {
        using var _ = ClusterFixture.ActAsPlatform();

        await StoreAssert.RefusedAsync(RuleCodes.NotFound, () => cluster.Directory.SetStatusAsync(_id, TenantStatus.Suspended));
    }

    [Fact]
    public async Task ListAsync_SeveralStores_ListsAllOrderedById()
    {
        var prefix = $"ls{Guid.NewGuid():N}"[..20];
        foreach (var suffix in new[] { "b", "c", "a" })
        {
            await CreateAsync(Spec(prefix + suffix, $"{prefix}{suffix}.shop.test"));
        }

        IReadOnlyList<TenantProfile> all;
        using (ClusterFixture.ActAsPlatform())
        {
            all = await cluster.Directory.ListAsync();
        }

        Assert.Equal([prefix + "a", prefix + "b", prefix + "c"], all.Select(p => p.Id).Where(id => id.StartsWith(prefix, StringComparison.Ordinal)));
        Assert.Equal(all.Select(p => p.Id).Order(StringComparer.Ordinal), all.Select(p => p.Id));
    }

    [Fact]
    public async Task ListAsync_WithoutPlatformScope_IsRefused()
    {
        await CreateAsync(Spec(_id, $"{_id}.shop.test"));

        await Assert.ThrowsAsync<TenantIsolationException>(() => cluster.Directory.ListAsync());
    }

    [Fact]
    public async Task ListAsync_ActingForAStore_IsRefused_EvenItsOwn()
    {
        await CreateAsync(Spec(_id, $"{_id}.shop.test"));

        using (ClusterFixture.ActAs(TenantId.Parse(_id)))
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => cluster.Directory.ListAsync());
        }
    }

    [Fact]
    public async Task CreateAsync_DomainsWithCaseAndTrailingDot_AreBoundInNormalForm()
    {
        var profile = await CreateAsync(Spec(_id, $"WWW.{_id.ToUpperInvariant()}.Shop.Test."));

        Assert.Equal([$"www.{_id}.shop.test"], profile.Domains);
        Assert.Equal(new HostBinding(_id), await cluster.HostName($"www.{_id}.shop.test").ResolveAsync());
    }

    [Fact]
    public async Task CreateAsync_WithoutPlatformScope_IsRefusedAndClaimsNoDomain()
    {
        var domain = $"{_id}.shop.test";

        await Assert.ThrowsAnyAsync<Exception>(() => cluster.Directory.CreateAsync(Spec(_id, domain)));

        Assert.Null(await cluster.HostName(domain).ResolveAsync());
        using (ClusterFixture.ActAsPlatform())
        {
            Assert.Null(await cluster.Store(TenantId.Parse(_id)).GetAsync());
            Assert.DoesNotContain(await cluster.Directory.ListAsync(), p => p.Id == _id);
        }
    }

    [Fact]
    public async Task CreateAsync_ActingForAStore_IsRefusedAndClaimsNoDomain()
    {
        var domain = $"{_id}.shop.test";

        using (ClusterFixture.ActAs(ClusterFixture.NewTenant()))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => cluster.Directory.CreateAsync(Spec(_id, domain)));
        }

        Assert.Null(await cluster.HostName(domain).ResolveAsync());
    }

    [Fact]
    public async Task ContainsAsync_TellsOnboardedIdsFromOthers_ToThePlatformOnly()
    {
        await CreateAsync(Spec(_id, $"{_id}.shop.test"));
        var unknown = ClusterFixture.NewTenant().Value;

        using (ClusterFixture.ActAsPlatform())
        {
            Assert.True(await cluster.Directory.ContainsAsync(_id));
            Assert.False(await cluster.Directory.ContainsAsync(unknown));
        }

        using (ClusterFixture.ActAs(TenantId.Parse(_id)))
        {
            await Assert.ThrowsAsync<TenantIsolationException>(() => cluster.Directory.ContainsAsync(unknown));
        }
    }

    [Fact]
    public async Task SetStatusAsync_ActingForTheSuspendedStoreItself_IsRefused()
    {
        // Suspension is the platform's decision: a store's own (tenant-scoped) request must not lift it.
        var spec = Spec(_id, $"{_id}.shop.test");
        await CreateAsync(spec);
        using (ClusterFixture.ActAsPlatform())
        {
            await cluster.Directory.SetStatusAsync(_id, TenantStatus.Suspended);
        }

        using (ClusterFixture.ActAs(TenantId.Parse(_id)))
        {
            await Assert.ThrowsAnyAsync<Exception>(() => cluster.Directory.SetStatusAsync(_id, TenantStatus.Active));
        }

        using (ClusterFixture.ActAsPlatform())
        {
            Assert.Equal(TenantStatus.Suspended, (await cluster.Store(TenantId.Parse(_id)).GetAsync())?.Status);
        }
    }

    [Theory]
    [InlineData("Upper-Case")]
    [InlineData("x")]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    [InlineData("")]
    public async Task CreateAsync_InvalidId_IsRefusedAsInvalidTenant(string id)
    {
        using var _ = ClusterFixture.ActAsPlatform();

        await StoreAssert.RefusedAsync(RuleCodes.InvalidTenant, () => cluster.Directory.CreateAsync(Spec(id, $"{_id}.shop.test")));

        Assert.Null(await cluster.HostName($"{_id}.shop.test").ResolveAsync());
    }

    private static TenantSpec Spec(string id, params string[] domains) =>
        new(id, $"Store {id}", domains, """{"primary":"#123456"}""");

    private async Task<TenantProfile> CreateAsync(TenantSpec spec)
    {
        using (ClusterFixture.ActAsPlatform())
        {
            return await cluster.Directory.CreateAsync(spec);
        }
    }
}
