namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// Every grain test class shares one cluster. Classes in one collection run one after another, which also keeps
/// a test's advance of the shared fake clock from expiring another test's reservations mid-flight.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "MultiStore cluster";
}
