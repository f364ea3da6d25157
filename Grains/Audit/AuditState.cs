using MultiStore.Grains.Interfaces.Audit;

namespace MultiStore.Grains.Audit;

/// <summary>A trail's head: the last sequence handed out and the oldest page kept. Constant-size, whatever the trail's length.</summary>
[GenerateSerializer, Alias("multistore.AuditTrailState")]
public sealed class AuditTrailState
{
    [Id(0)] public long LastSequence { get; set; }

    /// <summary>
    /// The oldest page retention has not removed; every page below it was cleared. 0, as in heads stored before
    /// retention existed, means nothing was removed yet.
    /// </summary>
    [Id(1)] public long FirstKeptPage { get; set; }

    /// <summary>The page the next entries go to: never removed, however old its entries.</summary>
    public long CurrentPage => AuditKeys.PageOf(Math.Max(LastSequence, 1));

    /// <summary>The oldest sequence a read may still find.</summary>
    public long FirstKeptSequence => (FirstKeptPage * IAuditPageGrain.Capacity) + 1;
}

/// <summary>One page's entries, at most <see cref="IAuditPageGrain.Capacity"/>.</summary>
[GenerateSerializer, Alias("multistore.AuditPageState")]
public sealed class AuditPageState
{
    [Id(0)] public SortedDictionary<long, AuditRecord> Entries { get; set; } = [];
}
