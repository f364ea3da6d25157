namespace MultiStore.Grains.Interfaces.Audit;

/// <summary>One thing someone did (or tried to do) to a store or the platform, as the API saw it.</summary>
/// <param name="At">When the API answered.</param>
/// <param name="Actor"><c>user:&lt;sub&gt;</c> of the token.</param>
/// <param name="Roles">The actor's standing where it acted: <c>owner</c>, <c>support+warehouse</c>, <c>platform-operator</c>, <c>no-role</c>.</param>
/// <param name="Action">The route as declared, e.g. <c>PUT /admin/stock/{sku}/{zone}</c>, or a kind such as <c>cross-store read</c>.</param>
/// <param name="Path">The path actually asked, query included.</param>
/// <param name="Outcome">See <see cref="AuditOutcomes"/>.</param>
/// <param name="Status">The HTTP status answered.</param>
/// <param name="Via">How the store was chosen: <c>host</c>, <c>x-tenant-id</c>, <c>cross-store</c> or <c>platform</c>.</param>
/// <param name="TraceId">The request's trace id, as its problem responses carry it.</param>
[GenerateSerializer, Immutable, Alias("multistore.AuditRecord")]
public sealed record AuditRecord(
    [property: Id(0)] DateTimeOffset At,
    [property: Id(1)] string Actor,
    [property: Id(2)] string Roles,
    [property: Id(3)] string Action,
    [property: Id(4)] string Path,
    [property: Id(5)] string Outcome,
    [property: Id(6)] int Status,
    [property: Id(7)] string Via,
    [property: Id(8)] string TraceId);

/// <summary>How an audited request ended.</summary>
public static class AuditOutcomes
{
    /// <summary>2xx/3xx: the action happened (or the read was served).</summary>
    public const string Succeeded = "succeeded";

    /// <summary>401/403: the caller was not allowed.</summary>
    public const string Refused = "refused";

    /// <summary>Any other 4xx/5xx: allowed, but nothing (or not everything) happened.</summary>
    public const string Failed = "failed";

    public static string For(int status) => status switch
    {
        < 400 => Succeeded,
        401 or 403 => Refused,
        _ => Failed,
    };
}

/// <summary>A recorded <see cref="AuditRecord"/> with its place in the trail (1, 2, 3… per trail, never reused).</summary>
[GenerateSerializer, Immutable, Alias("multistore.AuditEntry")]
public sealed record AuditEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] AuditRecord Record);

/// <summary>Entries newest first; <see cref="NextBefore"/> asks for the page after this one (null: no older entries).</summary>
[GenerateSerializer, Immutable, Alias("multistore.AuditPage")]
public sealed record AuditPage(
    [property: Id(0)] IReadOnlyList<AuditEntry> Entries,
    [property: Id(1)] long? NextBefore);
