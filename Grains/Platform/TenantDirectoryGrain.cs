using System.Text.Json;
using Microsoft.Extensions.Logging;
using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Platform;
using MultiStore.Grains.Interfaces.Tenancy;

namespace MultiStore.Grains.Platform;

/// <summary>
/// The directory's row as the previous release wrote it: every store's whole profile, theme included, rewritten by each
/// onboarding and suspension. This release only reads it (the ids it lists are carried into
/// <see cref="TenantDirectoryIndex"/>) and never writes it, so a previous-release silo that still hosts the directory
/// during a rolling upgrade finds it as it left it. Drop it a release later.
/// </summary>
[GenerateSerializer, Alias("multistore.TenantDirectoryState")]
public sealed class TenantDirectoryState
{
    [Id(0)] public Dictionary<string, TenantProfile> Tenants { get; set; } = [];
}

/// <summary>
/// The directory's own row: the id of every store, nothing else. It grows by one id per store whatever the stores'
/// themes, only an onboarding (or a store found missing) rewrites it, and a suspension leaves it alone: each profile,
/// status included, is the store's own record.
/// </summary>
[GenerateSerializer, Alias("multistore.TenantDirectoryIndex")]
public sealed class TenantDirectoryIndex
{
    /// <summary>Ordinal order, no duplicates: the order listings page through.</summary>
    [Id(0)] public List<string> Ids { get; set; } = [];
}

/// <summary>
/// The platform's directory. Onboarding runs here one request at a time: domains are claimed first (and given
/// back if any is taken), then the store's own grain is created, then the directory records its id. Listings read
/// the stores' own records, a page at a time; being read-only they may run side by side, never during an onboarding
/// or a suspension.
/// </summary>
public sealed class TenantDirectoryGrain(
    [PersistentState("directory", StorageNames.Store)] IPersistentState<TenantDirectoryState> previousRelease,
    [PersistentState("directory-index", StorageNames.Store)] IPersistentState<TenantDirectoryIndex> index,
    ILogger<TenantDirectoryGrain> logger) : Grain, ITenantDirectoryGrain
{
    private const int MaxNameLength = 100;
    private const int MaxDomains = 20;
    private const int MaxThemeLength = 16 * 1024;
    private const int MaxFillingLength = 256;

    /// <summary>At most this many store records are read at the same time for a listing.</summary>
    private const int MaxConcurrentReads = 64;

    private List<string> Ids => index.State.Ids;

    /// <summary>
    /// Carries over the stores the previous release's row lists (all of them on the first activation after the
    /// upgrade, and any a previous-release silo onboarded while it hosted the directory during the rolling upgrade).
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var known = Ids.Concat(previousRelease.State.Tenants.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        // Held only to be read once: at thousands of stores with large themes it is the bulk of this activation's memory.
        previousRelease.State = new TenantDirectoryState();
        if (!known.SequenceEqual(Ids, StringComparer.Ordinal))
        {
            logger.LogInformation("Directory: {Count} store ids carried over from the previous release's row", known.Count - Ids.Count);
            index.State.Ids = known;
            await index.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public async Task<TenantProfile> CreateAsync(TenantSpec spec)
    {
        EnsurePlatform("onboard a store");
        var (tenantId, normalized) = Validate(spec);
        // The same onboarding asked again is answered with its store, so that the caller can finish filling it; any
        // other store under this id is a clash. The store's record tells which (it alone keeps the filling asked for)
        // and writes nothing either way. A listed id without a record (its storage lost) is onboarded afresh.
        if (Contains(tenantId.Value) && await StoreGrain(tenantId).GetAsync() is not null)
        {
            return await StoreGrain(tenantId).CreateAsync(normalized);
        }

        var bound = await ClaimDomainsAsync(tenantId, normalized);
        TenantProfile profile;
        try
        {
            profile = await CreateStoreAsync(tenantId, normalized);
        }
        catch
        {
            // Only what this call bound: a store already live under this id (refused here as TenantExists) keeps
            // its domains, or another store could claim them.
            await ReleaseAsync(bound, normalized.Id);
            throw;
        }

        await RecordAsync(profile.Id);
        logger.LogInformation("Store {Tenant} onboarded on {Domains} by {Actor}", profile.Id, profile.Domains, TenantContext.Actor);
        return profile;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<TenantProfile>> ListAsync()
    {
        // Every store's name, domains and status: no store may see the others.
        EnsurePlatform("list the stores");
        return await ReadStoresAsync([.. Ids]);
    }

    /// <inheritdoc />
    public async Task<TenantPage> ListPageAsync(string? after, int limit)
    {
        EnsurePlatform("list the stores");
        if (limit is < 1 or > ITenantDirectoryGrain.MaxPageSize)
        {
            throw new StoreRuleException(RuleCodes.InvalidPage, $"A page holds 1-{ITenantDirectoryGrain.MaxPageSize} stores.");
        }

        if (after is not null && !TenantId.TryParse(after, out _))
        {
            throw new StoreRuleException(RuleCodes.InvalidPage, "A page starts after a store id.");
        }

        // Taken before any await: an onboarding cannot run meanwhile (this call is read-only), but the page is fixed here.
        var start = after is null ? 0 : IndexAfter(after);
        var ids = Ids.GetRange(start, Math.Min(limit, Ids.Count - start));
        var next = start + ids.Count < Ids.Count ? ids[^1] : null;
        return new TenantPage(await ReadStoresAsync(ids), next);
    }

    /// <inheritdoc />
    public Task<bool> ContainsAsync(string tenantId)
    {
        EnsurePlatform("look a store up");
        return Task.FromResult(Contains(tenantId));
    }

    /// <inheritdoc />
    public async Task<TenantProfile> SetStatusAsync(string tenantId, TenantStatus status)
    {
        EnsurePlatform("suspend or resume a store");
        // A store the directory missed (created, then the directory's write failed) is found through its own record,
        // so the platform can still suspend it, and is listed again.
        if (!TenantId.TryParse(tenantId, out var id)
            || (!Contains(id.Value) && await StoreGrain(id).GetAsync() is null))
        {
            throw new StoreRuleException(RuleCodes.NotFound, $"No store '{tenantId}'.");
        }

        // One write suspends or resumes the store on every domain: hosts only name the store, and the Api reads its
        // status from this record. The directory holds no status, so its row is written only to list a missed store.
        var profile = await StoreGrain(id).SetStatusAsync(status);
        await RecordAsync(profile.Id);
        logger.LogInformation("Store {Tenant} is now {Status} (by {Actor})", profile.Id, status, TenantContext.Actor);
        await CopyStatusToHostsAsync(profile);
        return profile;
    }

    private bool Contains(string tenantId) => Ids.BinarySearch(tenantId, StringComparer.Ordinal) >= 0;

    /// <summary>Where the first id after <paramref name="after"/> is (or would be) in <see cref="Ids"/>.</summary>
    private int IndexAfter(string after)
    {
        var found = Ids.BinarySearch(after, StringComparer.Ordinal);
        return found >= 0 ? found + 1 : ~found;
    }

    /// <summary>Records <paramref name="tenantId"/> in the directory's row unless it is listed already.</summary>
    private async Task RecordAsync(string tenantId)
    {
        var found = Ids.BinarySearch(tenantId, StringComparer.Ordinal);
        if (found < 0)
        {
            Ids.Insert(~found, tenantId);
            await index.WriteStateAsync();
        }
    }

    /// <summary>
    /// The profiles of <paramref name="ids"/> in the same order, read from the stores' own records
    /// <see cref="MaxConcurrentReads"/> at a time. A listed id whose record holds no store is left out.
    /// </summary>
    private async Task<IReadOnlyList<TenantProfile>> ReadStoresAsync(IReadOnlyList<string> ids)
    {
        var profiles = await ids.ReadEachAsync(MaxConcurrentReads, id => StoreGrain(TenantId.Parse(id)).GetAsync());
        return [.. profiles.OfType<TenantProfile>()];
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
                if (claim == HostClaim.Taken && await ReleaseIfAbandonedAsync(host, domain))
                {
                    claim = await host.BindAsync(new HostBinding(spec.Id));
                }

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

    /// <summary>
    /// Frees <paramref name="host"/> when the store holding it was never created: an onboarding stopped between claiming
    /// its domains and creating its store (its silo lost, or giving the domains back failed too) leaves them bound to
    /// an id with no record. No request is served on such a host, and nothing else would ever free it for another
    /// store. A store with a record, or one the directory lists, keeps its host. Onboardings run here one at a time, so
    /// no other one is between its claims and its store's creation.
    /// </summary>
    private async Task<bool> ReleaseIfAbandonedAsync(IHostNameGrain host, string domain)
    {
        if (await host.ResolveAsync() is not { } binding)
        {
            return true;
        }

        if (TenantId.TryParse(binding.TenantId, out var holder)
            && (Contains(holder.Value) || await StoreGrain(holder).GetAsync() is not null))
        {
            return false;
        }

        logger.LogWarning("Domain {Domain} was bound to {Tenant}, a store never created: released for the onboarding of another", domain, binding.TenantId);
        await host.ReleaseAsync(binding.TenantId);
        return true;
    }

    /// <summary>
    /// Creates the store's record. A creation that failed may still have stored it (its answer lost): then the record,
    /// asked again, answers whether it is this onboarding's store, which goes on to be listed and keeps its domains.
    /// Given back, they would leave a store that exists serving nowhere and missing from listings, its domains free
    /// for another store and its id then refused to this onboarding's retries.
    /// </summary>
    private async Task<TenantProfile> CreateStoreAsync(TenantId tenantId, TenantSpec spec)
    {
        try
        {
            return await StoreGrain(tenantId).CreateAsync(spec);
        }
        catch (Exception failure) when (failure is not StoreRuleException)
        {
            if (await StoreGrain(tenantId).GetAsync() is null)
            {
                throw;
            }

            logger.LogWarning(failure, "Store {Tenant}: its creation failed but its record was stored", spec.Id);
            return await StoreGrain(tenantId).CreateAsync(spec);
        }
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

        if (!PlainText.IsPlain(spec.Name))
        {
            throw new StoreRuleException(RuleCodes.InvalidTenant, "A store name has no control characters, text-direction overrides or line separators.");
        }

        if (spec.Filling is { Length: > MaxFillingLength })
        {
            throw new StoreRuleException(RuleCodes.InvalidTenant, $"A store's filling is described in at most {MaxFillingLength} characters.");
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
