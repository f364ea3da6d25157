namespace MultiStore.Grains.Interfaces.Stock;

/// <summary>
/// One line of a stock entry's history. Every change of on-hand is one (the sum of all deltas is on-hand);
/// releases and expiries of reservations are listed too, with a delta of 0, so a flash sale can be audited.
/// </summary>
/// <param name="Sequence">Position in the entry's ledger, from 1, without gaps.</param>
/// <param name="Kind">One of <see cref="LedgerKinds"/>.</param>
/// <param name="Delta">Change of on-hand.</param>
/// <param name="OnHandAfter">On-hand once this line was applied.</param>
/// <param name="Reason">The admin's reason for an adjustment; null otherwise.</param>
/// <param name="Actor">Who caused it (a user, or <c>system:expiry</c>).</param>
/// <param name="ReservationId">The reservation a sale, release or expiry settled.</param>
[GenerateSerializer, Immutable, Alias("multistore.LedgerEntry")]
public sealed record LedgerEntry(
    [property: Id(0)] long Sequence,
    [property: Id(1)] DateTimeOffset At,
    [property: Id(2)] string Kind,
    [property: Id(3)] int Delta,
    [property: Id(4)] int OnHandAfter,
    [property: Id(5)] string? Reason,
    [property: Id(6)] string Actor,
    [property: Id(7)] string? ReservationId);

/// <summary>The kinds of <see cref="LedgerEntry"/>.</summary>
public static class LedgerKinds
{
    /// <summary>An admin set or adjusted on-hand (its reason says why: receive, correction, damage, return…).</summary>
    public const string Adjustment = "adjustment";

    /// <summary>A paid reservation left on-hand for good.</summary>
    public const string Sale = "sale";

    /// <summary>A reservation was given back before it expired (on-hand unchanged).</summary>
    public const string Release = "release";

    /// <summary>An unpaid reservation expired and its units became available again (on-hand unchanged).</summary>
    public const string ExpiryRelease = "expiry-release";

    /// <summary>A sale taken back (its payment was reversed): its units are on hand again.</summary>
    public const string Return = "return";
}
