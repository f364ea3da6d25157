using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Platform;

/// <summary>Persisted record of one store.</summary>
[GenerateSerializer, Alias("multistore.TenantState")]
public sealed class TenantState
{
    [Id(0)] public TenantProfile? Profile { get; set; }

    /// <summary>When onboarding finished filling the store (template, catalog settings), or null while it has not.</summary>
    [Id(1)] public DateTimeOffset? FilledAt { get; set; }

    /// <summary>
    /// Whether this record was created by a release that marks a filling's end (<see cref="FilledAt"/>). A record
    /// without it predates the marker: its store was filled (or left empty) long ago and is its staff's, so it counts
    /// as filled and an onboarding sent again fills nothing.
    /// </summary>
    [Id(2)] public bool TracksFilling { get; set; }

    /// <summary>
    /// The filling the store was onboarded with (<see cref="TenantSpec.Filling"/>), which a retry must repeat; null for
    /// a store whose onboarding did not say, or created before records kept it: any filling then counts as the same.
    /// </summary>
    [Id(3)] public string? Filling { get; set; }
}

/// <summary>One store's own record; only the platform directory changes it.</summary>
public sealed class TenantGrain(
    [PersistentState("tenant", StorageNames.Store)] IPersistentState<TenantState> tenant,
    TimeProvider time) : Grain, ITenantGrain
{
    /// <summary>The zone a store starts with and that shoppers get when they name none.</summary>
    public const string DefaultZone = "main";

    /// <inheritdoc />
    public async Task<TenantProfile> CreateAsync(TenantSpec spec)
    {
        var owner = TenantKey.Parse(this.GetPrimaryKeyString()).Tenant;
        if (spec.Id != owner.Value)
        {
            throw new StoreRuleException(RuleCodes.InvalidTenant, $"Store '{spec.Id}' cannot be created under the key of '{owner}'.");
        }

        if (tenant.State.Profile is { } existing)
        {
            // A retried onboarding of the same store is answered, anything else is a clash.
            return IsRetryOf(existing, spec)
                ? existing
                : throw new StoreRuleException(RuleCodes.TenantExists, $"Store '{spec.Id}' already exists.");
        }

        tenant.State.Profile = new TenantProfile(
            spec.Id, spec.Name, spec.Domains, spec.ThemeJson, TenantStatus.Active, time.GetUtcNow(), DefaultZone);
        tenant.State.TracksFilling = true;
        tenant.State.Filling = spec.Filling;
        await tenant.WriteStateAsync();
        return tenant.State.Profile;
    }

    /// <summary>
    /// Whether <paramref name="spec"/> is the one <paramref name="existing"/> was created from, asked again (its
    /// answer lost, or the filling of the store failed part-way): same name, domains, theme and filling (unless either
    /// filling is unknown, see <see cref="TenantState.Filling"/>), and still active.
    /// </summary>
    private bool IsRetryOf(TenantProfile existing, TenantSpec spec) =>
        existing.Status == TenantStatus.Active
        && existing.Name == spec.Name
        && existing.Domains.ToHashSet(StringComparer.Ordinal).SetEquals(spec.Domains)
        && existing.ThemeJson == spec.ThemeJson
        && (tenant.State.Filling is null || spec.Filling is null || tenant.State.Filling == spec.Filling);

    /// <inheritdoc />
    public Task<TenantProfile?> GetAsync() => Task.FromResult(tenant.State.Profile);

    /// <inheritdoc />
    public Task<bool> IsFilledAsync() =>
        Task.FromResult(tenant.State.FilledAt is not null || (tenant.State.Profile is not null && !tenant.State.TracksFilling));

    /// <inheritdoc />
    public async Task MarkFilledAsync()
    {
        RequireProfile();
        if (tenant.State.FilledAt is null)
        {
            tenant.State.FilledAt = time.GetUtcNow();
            await tenant.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public async Task<TenantProfile> SetStatusAsync(TenantStatus status)
    {
        var profile = RequireProfile();
        if (profile.Status != status)
        {
            tenant.State.Profile = profile = profile with { Status = status };
            await tenant.WriteStateAsync();
        }

        return profile;
    }

    private TenantProfile RequireProfile() =>
        tenant.State.Profile ?? throw new StoreRuleException(RuleCodes.NotFound, "No store has this id.");
}
