using System.Net;
using MultiStore.Cluster.Tests.Hosting;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace MultiStore.Cluster.Tests.Operations;

/// <summary>
/// The store-operation tests over HTTP (issue 6) share one durable cluster: starting a Silo and the Api as processes
/// costs more than any of these tests, and none of them needs wiring of its own. Each test onboards stores of its
/// own, so they never see each other's data. They run one at a time (one may restart the silo), after the tests
/// that run in parallel, like the other process tests.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class OperationsCollection : ICollectionFixture<OperationsCluster>
{
    public const string Name = "Store operations over HTTP";
}

/// <summary>
/// One Silo process on the shared PostgreSQL and Redis and the Api process in cluster mode (see
/// <see cref="LocalCluster"/>). Cart lines hold their units for <see cref="CartHold"/> only, so a test can watch one
/// expire; webhooks may call a receiver on loopback and retry within a second.
/// </summary>
public sealed class OperationsCluster(IMessageSink diagnostics) : IAsyncLifetime
{
    /// <summary>Long enough for a cart to be checked out right after it is filled, short enough to wait for an expiry.</summary>
    public static readonly TimeSpan CartHold = TimeSpan.FromSeconds(4);

    private static readonly IReadOnlyDictionary<string, string> SiloSettings = new Dictionary<string, string>
    {
        ["Reservations__CartHold"] = CartHold.ToString("c"),
        ["Webhooks__AllowPrivateNetworks"] = "true",
        ["Webhooks__InitialBackoff"] = "00:00:00.100",
        ["Webhooks__DeliveryTick"] = "00:00:00.050",
    };

    private LocalCluster? _cluster;

    public LocalCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster has not started.");

    public async Task InitializeAsync() =>
        _cluster = await LocalCluster.StartAsync(
            new DiagnosticOutput(diagnostics), "store-operations-over-http",
            ClusterSettings.New(TestServices.Postgres, TestServices.Redis), silos: 1, siloSettings: SiloSettings);

    /// <summary>
    /// Onboards an empty store of its own through the platform API, found at <c>&lt;id&gt;.localhost</c> and at
    /// <c>&lt;prefix&gt;.&lt;id&gt;.localhost</c> for each of <paramref name="otherHostPrefixes"/>, with a token of its owner.
    /// </summary>
    public async Task<OnboardedStore> OnboardAsync(params string[] otherHostPrefixes)
    {
        var id = $"o{Guid.NewGuid():N}"[..16];
        var host = $"{id}.localhost";
        string[] domains = [host, .. otherHostPrefixes.Select(prefix => $"{prefix}.{host}")];
        await Cluster.SendAsync(
            HttpMethod.Post, "platform/tenants", null, await ApiProcess.TokenAsync("platform-operator"),
            new { id, name = $"Store {id}", domains }, HttpStatusCode.Created);
        return new OnboardedStore(id, host, await ApiProcess.TokenAsync("owner", id));
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>A collection fixture has no test output; what the cluster reports goes to xunit's diagnostics instead.</summary>
    private sealed class DiagnosticOutput(IMessageSink sink) : ITestOutputHelper
    {
        public void WriteLine(string message) => sink.OnMessage(new DiagnosticMessage(message));

        public void WriteLine(string format, params object[] args) => sink.OnMessage(new DiagnosticMessage(format, args));
    }
}

/// <summary>A store onboarded for one test: its id, its first host name and a token of its owner.</summary>
public sealed record OnboardedStore(string Id, string Host, string OwnerToken);
