using MultiStore.Grains.Interfaces.Audit;
using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Grains.Audit;

/// <summary>
/// The numbering and paging shared by the store and platform trails. The head's sequence is written before the page,
/// so a failure in between leaves a gap, never two entries with one number.
/// </summary>
internal static class AuditTrail
{
    public static async Task<long> AppendAsync(IPersistentState<AuditTrailState> head, Func<long, IAuditPageGrain> pageOf, AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var sequence = head.State.LastSequence + 1;
        head.State.LastSequence = sequence;
        await head.WriteStateAsync();
        await pageOf(AuditKeys.PageOf(sequence)).AppendAsync(new AuditEntry(sequence, record));
        return sequence;
    }

    public static async Task<AuditPage> ReadAsync(AuditTrailState head, Func<long, IAuditPageGrain> pageOf, long? before, int take)
    {
        if (take is < 1 or > IAuditPageGrain.Capacity)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"A page holds 1 to {IAuditPageGrain.Capacity} entries.");
        }

        if (before is < 1)
        {
            throw new StoreRuleException(RuleCodes.InvalidId, "'before' is a sequence number of 1 or more.");
        }

        // Pages below the first kept one were removed by retention: a read (or a cursor from before) ends there.
        var firstKept = head.FirstKeptSequence;
        var atMost = Math.Min(before is { } cursor ? cursor - 1 : long.MaxValue, head.LastSequence);
        var entries = new List<AuditEntry>(take);
        while (atMost >= firstKept && entries.Count < take)
        {
            var page = AuditKeys.PageOf(atMost);
            entries.AddRange(await pageOf(page).ReadAsync(atMost, take - entries.Count));
            // Continue below this page (gaps left by failed writes are simply skipped).
            atMost = page * IAuditPageGrain.Capacity;
        }

        var oldest = entries.Count > 0 ? entries[^1].Sequence : 0;
        return new AuditPage(entries, entries.Count == take && oldest > firstKept ? oldest : null);
    }
}
