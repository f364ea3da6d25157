using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Api.Features.Stock.Ledger;

/// <summary>A page of a stock entry's history, newest first; the deltas of the whole ledger add up to on-hand.</summary>
/// <param name="NextBefore">Pass as <c>before</c> for the next (older) page; null on the last page.</param>
public sealed record Response(string Sku, string Zone, IReadOnlyList<LedgerLine> Entries, long? NextBefore)
{
    public static Response From(string sku, string zone, LedgerPage page) =>
        new(sku, zone, [.. page.Entries.Select(LedgerLine.From)], page.NextBefore);
}

/// <param name="Kind"><c>adjustment</c>, <c>sale</c>, <c>release</c>, <c>expiry-release</c> or <c>return</c> (a sale taken back when its payment was reversed).</param>
/// <param name="Delta">Change of on-hand (0 for releases and expiries, which change only what is reserved).</param>
public sealed record LedgerLine(long Sequence, DateTimeOffset At, string Kind, int Delta, int OnHandAfter, string? Reason, string Actor, string? ReservationId)
{
    public static LedgerLine From(LedgerEntry entry) =>
        new(entry.Sequence, entry.At, entry.Kind, entry.Delta, entry.OnHandAfter, entry.Reason, entry.Actor, entry.ReservationId);
}
