using MultiStore.Grains.Hosting;
using MultiStore.Grains.Interfaces.Platform;

namespace MultiStore.Grains.Platform;

/// <summary>Persisted binding of one host name.</summary>
[GenerateSerializer, Alias("multistore.HostNameState")]
public sealed class HostNameState
{
    [Id(0)] public HostBinding? Binding { get; set; }
}

/// <summary>One host name's store, kept in step with the store's status so a request resolves in one call.</summary>
public sealed class HostNameGrain([PersistentState("host", StorageNames.Store)] IPersistentState<HostNameState> host)
    : Grain, IHostNameGrain
{
    /// <inheritdoc />
    public Task<HostBinding?> ResolveAsync() => Task.FromResult(host.State.Binding);

    /// <inheritdoc />
    public async Task<bool> ClaimAsync(HostBinding binding)
    {
        if (host.State.Binding is { } existing)
        {
            return existing.TenantId == binding.TenantId;
        }

        host.State.Binding = binding;
        await host.WriteStateAsync();
        return true;
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

    /// <inheritdoc />
    public async Task SetStatusAsync(string tenantId, TenantStatus status)
    {
        if (host.State.Binding is { } binding && binding.TenantId == tenantId && binding.Status != status)
        {
            host.State.Binding = binding with { Status = status };
            await host.WriteStateAsync();
        }
    }
}
