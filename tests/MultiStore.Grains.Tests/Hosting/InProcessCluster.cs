using Orleans.TestingHost;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// The life of an in-process test cluster: deployed before a test class's tests and stopped after them. Each fixture
/// says only how its silos are wired (<see cref="Configure"/>).
/// </summary>
public abstract class InProcessCluster(short silos = 1) : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not deployed.");

    public IClusterClient Client => Cluster.Client;

    /// <summary>Ends <paramref name="grain"/>'s activation; its next call activates it again from what storage holds.</summary>
    public Task DeactivateAsync(IAddressable grain) => Cluster.DeactivateAsync(grain);

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(silos);
        Configure(builder);
        _cluster = builder.Build();
        await _cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAllSilosAsync();
            await _cluster.DisposeAsync();
        }
    }

    protected abstract void Configure(InProcessTestClusterBuilder builder);
}
