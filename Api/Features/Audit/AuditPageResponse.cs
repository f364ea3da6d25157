using MultiStore.Grains.Interfaces.Audit;

namespace MultiStore.Api.Features.Audit;

/// <summary>A page of a trail, newest first; pass <see cref="NextBefore"/> as <c>before</c> for the next (older) page.</summary>
public sealed record AuditPageResponse(IReadOnlyList<AuditEntryResponse> Entries, long? NextBefore)
{
    public static AuditPageResponse From(AuditPage page) => new([.. page.Entries.Select(AuditEntryResponse.From)], page.NextBefore);
}

/// <param name="Outcome"><c>succeeded</c>, <c>refused</c> (401/403) or <c>failed</c> (any other error).</param>
/// <param name="Via">How the store was chosen: <c>host</c>, <c>x-tenant-id</c>, <c>cross-store</c> or <c>platform</c>.</param>
public sealed record AuditEntryResponse(long Sequence, DateTimeOffset At, string Actor, string Roles, string Action, string Path, string Outcome, int Status, string Via, string TraceId)
{
    public static AuditEntryResponse From(AuditEntry entry) => new(
        entry.Sequence,
        entry.Record.At,
        entry.Record.Actor,
        entry.Record.Roles,
        entry.Record.Action,
        entry.Record.Path,
        entry.Record.Outcome,
        entry.Record.Status,
        entry.Record.Via,
        entry.Record.TraceId);
}

/// <summary>Paging shared by both trails' requests.</summary>
public static class AuditPaging
{
    public const int DefaultTake = 50;
}
