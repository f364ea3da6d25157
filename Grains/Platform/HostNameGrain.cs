using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Platform;

namespace MultiStore.Grains.Platform;

/// <summary>Persisted binding of one host name.</summary>
[GenerateSerializer, Alias("multistore.HostNameState")]
public sealed class HostNameState
{
    [Id(0)] public HostBinding? Binding { get; set; }
}

/// <summary>
/// One host name's store (its status is the store's own record's, not copied here). Every Host header
/// the Api has not cached activates one, before any rate limit (an unknown host is answered 404 and not cached), so an
/// idle one goes after <see cref="IdleMinutes"/> instead of Orleans' 15: a stream of made-up names cannot pile
/// activations up. A served host is asked every couple of seconds by each Api and never goes idle that long.
/// </summary>
[CollectionAgeLimit(Minutes = IdleMinutes)]
public sealed class HostNameGrain([PersistentState("host", StorageNames.Store)] IPersistentState<HostNameState> host)
    : Grain, IHostNameGrain
{
    /// <summary>How long an idle host name stays active.</summary>
    public const int IdleMinutes = 2;

    /// <inheritdoc />
    public Task<HostBinding?> ResolveAsync() => Task.FromResult(host.State.Binding);

    /// <inheritdoc />
    public async Task<bool> ClaimAsync(HostBinding binding) => await BindAsync(binding) != HostClaim.Taken;

    /// <inheritdoc />
    public async Task SetStatusAsync(string tenantId, TenantStatus status)
    {
        if (host.State.Binding is { } binding && binding.TenantId == tenantId && binding.Status != status)
        {
            host.State.Binding = binding with { Status = status };
            await host.WriteStateAsync();
        }
    }

    /// <inheritdoc />
    public async Task<HostClaim> BindAsync(HostBinding binding)
    {
        if (host.State.Binding is { } existing)
        {
            return existing.TenantId == binding.TenantId ? HostClaim.AlreadyBound : HostClaim.Taken;
        }

        host.State.Binding = binding;
        await host.WriteStateAsync();
        return HostClaim.Bound;
    }

    /// <inheritdoc />
    public async Task ReleaseAsync(string tenantId)
    {
        if (host.State.Binding?.TenantId == tenantId)
        {
            host.State.Binding = null;
            await host.WriteStateAsync();
        }
    }
}
