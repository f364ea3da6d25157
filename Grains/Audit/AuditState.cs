using MultiStore.Grains.Interfaces.Audit;

namespace MultiStore.Grains.Audit;

/// <summary>A trail's head: the last sequence handed out. Constant-size, whatever the trail's length.</summary>
[GenerateSerializer, Alias("multistore.AuditTrailState")]
public sealed class AuditTrailState
{
    [Id(0)] public long LastSequence { get; set; }
}

/// <summary>One page's entries, at most <see cref="IAuditPageGrain.Capacity"/>.</summary>
[GenerateSerializer, Alias("multistore.AuditPageState")]
public sealed class AuditPageState
{
    [Id(0)] public SortedDictionary<long, AuditRecord> Entries { get; set; } = [];
}
