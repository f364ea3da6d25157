namespace MultiStore.Api.Demo;

/// <summary>Demo data (configuration section <c>Demo</c>).</summary>
public sealed class DemoOptions
{
    public const string SectionName = "Demo";

    /// <summary>Seeds the three demo stores and their stock at startup; existing data is left alone.</summary>
    public bool Seed { get; set; } = true;
}
