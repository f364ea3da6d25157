namespace MultiStore.Cluster.Tests.Failover;

/// <summary>
/// The tests that run the Silo and the Api as processes and measure how long an incident lasts. They run one at a
/// time, after the rest of this project (xunit runs collections without parallelization last): each needs the
/// machine's cores to itself, or its timings measure the other tests instead of the failover.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "Processes";
}
