using System.Text.Json;
using Microsoft.Extensions.Logging;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Platform;

/// <summary>Persisted list of all stores.</summary>
[GenerateSerializer, Alias("multistore.TenantDirectoryState")]
public sealed class TenantDirectoryState
{
    [Id(0)] public Dictionary<string, TenantProfile> Tenants { get; set; } = [];
}

/// <summary>
/// The platform's directory. Onboarding runs here one request at a time: domains are claimed first (and given
/// back if any is taken), then the store's own grain is created, then the directory records it.
/// </summary>
public sealed class TenantDirectoryGrain(
    [PersistentState("directory", StorageNames.Store)] IPersistentState<TenantDirectoryState> directory,
    ILogger<TenantDirectoryGrain> logger) : Grain, ITenantDirectoryGrain
{
    private const int MaxNameLength = 100;
    private const int MaxDomains = 20;
    private const int MaxThemeLength = 16 * 1024;

    /// <inheritdoc />
    public async Task<TenantProfile> CreateAsync(TenantSpec spec)
    {
        EnsurePlatform("onboard a store");
        var (tenantId, normalized) = Validate(spec);
        if (directory.State.Tenants.TryGetValue(tenantId.Value, out var listed))
        {
            // The same onboarding asked again is answered with its store, so that the caller can finish filling it;
            // any other store under this id is a clash. Judged by the store's own record: the copy here is written
            // after it, and a failed write (a suspension) leaves the copy stale.
            var existing = await StoreGrain(tenantId).GetAsync() ?? listed;
            return TenantGrain.IsRetryOf(existing, normalized)
                ? existing
                : throw new StoreRuleException(RuleCodes.TenantExists, $"Store '{tenantId}' already exists.");
        }

        var bound = await ClaimDomainsAsync(tenantId, normalized);
        TenantProfile profile;
        try
        {
            profile = await StoreGrain(tenantId).CreateAsync(normalized);
        }
        catch
        {
            // Only what this call bound: a store already live under this id (refused here as TenantExists) keeps
            // its domains, or another store could claim them.
            await ReleaseAsync(bound, normalized.Id);
            throw;
        }

        directory.State.Tenants[profile.Id] = profile;
        await directory.WriteStateAsync();
        logger.LogInformation("Store {Tenant} onboarded on {Domains} by {Actor}", profile.Id, profile.Domains, TenantContext.Actor);
        return profile;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<TenantProfile>> ListAsync()
    {
        // Every store's name, domains and status: no store may see the others.
        EnsurePlatform("list the stores");
        return Task.FromResult<IReadOnlyList<TenantProfile>>([.. directory.State.Tenants.Values.OrderBy(profile => profile.Id, StringComparer.Ordinal)]);
    }

    /// <inheritdoc />
    public Task<bool> ContainsAsync(string tenantId)
    {
        EnsurePlatform("look a store up");
        return Task.FromResult(directory.State.Tenants.ContainsKey(tenantId));
    }

    /// <inheritdoc />
    public async Task<TenantProfile> SetStatusAsync(string tenantId, TenantStatus status)
    {
        EnsurePlatform("suspend or resume a store");
        // A store the directory missed (created, then the directory's write failed) is found through its own record,
        // so the platform can still suspend it; the write below lists it again.
        if (!TenantId.TryParse(tenantId, out var id)
            || (!directory.State.Tenants.ContainsKey(id.Value) && await StoreGrain(id).GetAsync() is null))
        {
            throw new StoreRuleException(RuleCodes.NotFound, $"No store '{tenantId}'.");
        }

        // One write suspends or resumes the store on every domain: hosts only name the store, and the Api reads its
        // status from this record.
        var profile = await StoreGrain(id).SetStatusAsync(status);
        directory.State.Tenants[profile.Id] = profile;
        await directory.WriteStateAsync();
        logger.LogInformation("Store {Tenant} is now {Status} (by {Actor})", profile.Id, status, TenantContext.Actor);
        await CopyStatusToHostsAsync(profile);
        return profile;
    }

    /// <summary>
    /// For one release: the previous release's Api reads a store's status from its host bindings, so they follow the
    /// record. Best effort, since this release reads the record alone; remove with <see cref="HostBinding.Status"/>.
    /// </summary>
    private async Task CopyStatusToHostsAsync(TenantProfile profile)
    {
        try
        {
            await Task.WhenAll(profile.Domains.Select(domain => GrainFactory.GetGrainByKey<IHostNameGrain>(domain).SetStatusAsync(profile.Id, profile.Status)));
        }
        catch (Exception failure)
        {
            logger.LogWarning(failure, "Store {Tenant}: its status could not be copied to every host binding (read only by the previous release)", profile.Id);
        }
    }

    /// <summary>The directory is the platform's: acting for a store (even the one concerned) is not enough.</summary>
    private static void EnsurePlatform(string action)
    {
        if (!TenantContext.IsPlatform || TenantContext.Tenant is not null)
        {
            throw new TenantIsolationException($"Only a platform operator may {action}.");
        }
    }

    /// <summary>
    /// Claims every domain of <paramref name="spec"/> for its store. Answers the hosts this call bound, which are the
    /// ones to give back if the onboarding fails later: a host the store held already is never among them, since it
    /// may serve a live store the directory missed (created, then the directory's write failed).
    /// </summary>
    private async Task<List<IHostNameGrain>> ClaimDomainsAsync(TenantId tenantId, TenantSpec spec)
    {
        var bound = new List<IHostNameGrain>();
        string? unanswered = null;
        try
        {
            foreach (var domain in spec.Domains)
            {
                var host = GrainFactory.GetGrainByKey<IHostNameGrain>(domain);
                unanswered = domain;
                var claim = await host.BindAsync(new HostBinding(spec.Id));
                unanswered = null;
                if (claim == HostClaim.Bound)
                {
                    bound.Add(host);
                }
                else if (claim == HostClaim.Taken)
                {
                    throw new StoreRuleException(RuleCodes.DomainTaken, $"Domain '{domain}' already belongs to another store.");
                }
            }
        }
        catch
        {
            // Whatever stopped the onboarding (a domain taken, a claim whose write failed), no domain this call bound
            // stays bound to a store that was never created; the caller hears the first failure.
            try
            {
                // A claim that never answered may have bound its host, or found it held by a live store of this id
                // the directory missed: it is given back unless such a store lists it. Kept whenever a store merely
                // existed, a new domain this call bound under that store's id stayed bound, serving the store on a
                // domain its record does not name and refused to every other store.
                if (unanswered is not null && (await StoreGrain(tenantId).GetAsync())?.Domains.Contains(unanswered) != true)
                {
                    bound.Add(GrainFactory.GetGrainByKey<IHostNameGrain>(unanswered));
                }

                await ReleaseAsync(bound, spec.Id);
            }
            catch (Exception releaseFailure)
            {
                logger.LogWarning(releaseFailure, "Domains of the failed onboarding of {Tenant} could not all be released", spec.Id);
            }

            throw;
        }

        return bound;
    }

    private static Task ReleaseAsync(IEnumerable<IHostNameGrain> claimed, string tenantId) =>
        Task.WhenAll(claimed.Select(host => host.ReleaseAsync(tenantId)));

    private ITenantGrain StoreGrain(TenantId tenantId) =>
        GrainFactory.GetGrainByKey<ITenantGrain>(TenantKey.For(tenantId, ITenantGrain.EntityId));

    private static (TenantId Id, TenantSpec Normalized) Validate(TenantSpec spec)
    {
        if (!TenantId.TryParse(spec.Id, out var tenantId))
        {
            throw new StoreRuleException(RuleCodes.InvalidTenant, "A store id has 2-40 characters of a-z, 0-9 and '-'.");
        }

        if (string.IsNullOrWhiteSpace(spec.Name) || spec.Name.Length > MaxNameLength)
        {
            throw new StoreRuleException(RuleCodes.InvalidTenant, $"A store name has 1-{MaxNameLength} characters.");
        }

        if (spec.Domains is not { Count: > 0 and <= MaxDomains })
        {
            throw new StoreRuleException(RuleCodes.InvalidTenant, $"A store has 1-{MaxDomains} domains.");
        }

        var domains = new List<string>();
        foreach (var raw in spec.Domains)
        {
            if (!HostNames.TryNormalize(raw, out var domain) || raw.Contains(':'))
            {
                throw new StoreRuleException(RuleCodes.InvalidTenant, $"'{raw}' is not a domain name.");
            }

            if (!domains.Contains(domain))
            {
                domains.Add(domain);
            }
        }

        return (tenantId, spec with { Name = spec.Name.Trim(), Domains = domains, ThemeJson = NormalizeTheme(spec.ThemeJson) });
    }

    private static string NormalizeTheme(string? themeJson)
    {
        if (string.IsNullOrWhiteSpace(themeJson))
        {
            return "{}";
        }

        if (themeJson.Length > MaxThemeLength)
        {
            throw new StoreRuleException(RuleCodes.InvalidTenant, $"A theme has at most {MaxThemeLength} characters of JSON.");
        }

        try
        {
            using var document = JsonDocument.Parse(themeJson);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.GetRawText()
                : throw new StoreRuleException(RuleCodes.InvalidTenant, "A theme is a JSON object.");
        }
        catch (JsonException)
        {
            throw new StoreRuleException(RuleCodes.InvalidTenant, "A theme is a JSON object.");
        }
    }
}
