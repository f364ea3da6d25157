using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Grains.Interfaces.Stock;

/// <summary>One shopper's request to hold units of a stock entry, as a batch carries it (<see cref="IStockGrain.ReserveManyAsync"/>).</summary>
/// <param name="Quantity">Units to hold, 1 to <see cref="IdRules.MaxQuantity"/>.</param>
/// <param name="Ttl">How long the units stay held, more than 0 and at most <see cref="LongestHold"/>.</param>
[GenerateSerializer, Immutable, Alias("multistore.ReservationRequest")]
public sealed record ReservationRequest(
    [property: Id(0)] string ReservationId,
    [property: Id(1)] int Quantity,
    [property: Id(2)] TimeSpan Ttl)
{
    public const int MaxIdLength = 128;

    /// <summary>Most reservations one call may carry.</summary>
    public const int MaxPerCall = 1_000;

    public static readonly TimeSpan LongestHold = TimeSpan.FromDays(1);

    /// <summary>
    /// Throws the rule error the stock entry answers for this request. Checked before a request joins a batch too,
    /// so one shopper's bad request never fails the others' call.
    /// </summary>
    public void EnsureValid()
    {
        EnsureId(ReservationId);
        if (Quantity is < 1 or > IdRules.MaxQuantity)
        {
            throw new StoreRuleException(RuleCodes.InvalidQuantity, $"A reservation holds 1 to {IdRules.MaxQuantity} units, not {Quantity}.");
        }

        EnsureTtl(Ttl);
    }

    public static void EnsureId(string reservationId)
    {
        if (string.IsNullOrWhiteSpace(reservationId) || reservationId.Length > MaxIdLength)
        {
            throw new StoreRuleException(RuleCodes.InvalidId, $"A reservation id has 1 to {MaxIdLength} characters.");
        }

        // The id is written into the journal's text, which PostgreSQL refuses with a NUL in it: one such id would fail
        // the batches of every entry committed in the same transaction, on every retry.
        if (reservationId.AsSpan().ContainsAnyInRange('\0', '\u001f') || reservationId.AsSpan().ContainsAnyInRange('\u007f', '\u009f'))
        {
            throw new StoreRuleException(RuleCodes.InvalidId, "A reservation id has no control characters.");
        }
    }

    public static void EnsureTtl(TimeSpan ttl)
    {
        if (ttl <= TimeSpan.Zero || ttl > LongestHold)
        {
            throw new StoreRuleException(RuleCodes.InvalidTtl, $"A reservation is held for more than 0 and at most {LongestHold.TotalHours} hours.");
        }
    }
}
