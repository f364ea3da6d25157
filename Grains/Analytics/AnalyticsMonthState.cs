namespace MultiStore.Grains.Analytics;

/// <summary>What a store's month archive persists: the final figures of the month's days.</summary>
[GenerateSerializer, Alias("multistore.AnalyticsMonthState")]
public sealed class AnalyticsMonthState
{
    /// <summary>Figures by UTC day, keyed <c>yyyy-MM-dd</c>, as the store's analytics grain archived them.</summary>
    [Id(0)] public Dictionary<string, AnalyticsDay> Days { get; set; } = new(StringComparer.Ordinal);
}
