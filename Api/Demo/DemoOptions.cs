using MultiStore.Api.Hosting;

namespace MultiStore.Api.Demo;

/// <summary>Demo data (configuration section <c>Demo</c>).</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>
    /// Seeds the three demo stores and their stock at startup; existing data is left alone, so several API
    /// instances or restarts may all seed. Unset (the default): seeds in embedded mode only. A cluster is shared
    /// and durable, so demo stores are planted there only when asked for with <c>Demo:Seed=true</c>
    /// (scripts/cluster-up.sh does, for local use).
    /// </summary>
    public bool? Seed { get; set; }

    /// <summary>Whether to seed in <paramref name="mode"/>.</summary>
    public bool SeedsIn(OrleansMode mode) => Seed ?? mode == OrleansMode.Embedded;
}
