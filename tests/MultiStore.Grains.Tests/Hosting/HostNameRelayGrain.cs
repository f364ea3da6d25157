using MultiStore.Grains.Interfaces.Platform;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// Calls a host name's writes from inside the cluster, as the platform directory does (and the previous release's
/// directory, which still claims with <see cref="IHostNameGrain.ClaimAsync"/>): those methods refuse callers from outside.
/// Test-only; the key is the host name it relays to.
/// </summary>
[Alias("multistore.tests.IHostNameRelayGrain")]
public interface IHostNameRelayGrain : IGrainWithStringKey
{
    [Alias("Claim")]
    Task<bool> ClaimAsync(HostBinding binding);

    [Alias("Bind")]
    Task<HostClaim> BindAsync(HostBinding binding);
}

/// <inheritdoc cref="IHostNameRelayGrain" />
public sealed class HostNameRelayGrain : Grain, IHostNameRelayGrain
{
    public Task<bool> ClaimAsync(HostBinding binding) => HostName.ClaimAsync(binding);

    public Task<HostClaim> BindAsync(HostBinding binding) => HostName.BindAsync(binding);

    private IHostNameGrain HostName => GrainFactory.GetGrain<IHostNameGrain>(this.GetPrimaryKeyString());
}
