using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Grains.Interfaces.Stock;

/// <summary>An admin's change of on-hand: either by <see cref="Delta"/> or to an absolute <see cref="SetOnHand"/>.</summary>
/// <param name="IdempotencyKey">
/// Makes a delta retry-safe: the entry remembers the key with the adjustment, in the same journal batch, and a repeat
/// with the same delta and reason applies nothing and answers the current level; the same key with another delta or
/// reason is refused (<see cref="RuleCodes.IdempotencyKeyReused"/>). Null: no key, applied every time. Only a delta
/// takes a key (an absolute on-hand repeats harmlessly, and safety stock is not part of what a key remembers); see
/// <see cref="IsValidKey"/> for its form.
/// </param>
/// <param name="OnlyIfNeverStocked">
/// An absolute on-hand that applies only to an entry never stocked (a store template's first stock): an entry stocked
/// already, by anyone and however recently, answers its level unchanged, so a first count can never give back units
/// sold since the entry was first stocked. Decided in the entry, so two such counts at once set it once.
/// </param>
/// <param name="OnHandBasis">
/// The on-hand a new <see cref="SetOnHand"/> was counted against (what an export showed): the count applies only while
/// the entry still has that on-hand, or has the count already (the same file sent again). When units moved since (a
/// sale, a return, another count), a count equal to its basis (the number was not edited) keeps the current on-hand and
/// applies only the safety stock, and any other count is refused with <see cref="RuleCodes.StockChanged"/>, changing
/// nothing: an old number is never written over the sales made since it was read. Decided in the entry, so no sale can
/// fall between the comparison and the set. Null: an absolute count, as before.
/// </param>
/// <param name="SafetyStockBasis">
/// The safety stock a new <see cref="SafetyStock"/> was read against (what an export showed), held to the entry's safety
/// stock as <see cref="OnHandBasis"/> is to its on-hand: a safety stock an admin changed since the export is kept when
/// the row's value is its basis unedited, and an edited one is refused with <see cref="RuleCodes.StockChanged"/>,
/// changing nothing. Null: the safety stock is set as given, as before.
/// </param>
[GenerateSerializer, Immutable, Alias("multistore.StockAdjustment")]
public sealed record StockAdjustment(
    [property: Id(0)] int? Delta,
    [property: Id(1)] int? SetOnHand,
    [property: Id(2)] int? SafetyStock,
    [property: Id(3)] string Reason,
    [property: Id(4)] string? IdempotencyKey = null,
    [property: Id(5)] bool OnlyIfNeverStocked = false,
    [property: Id(6)] int? OnHandBasis = null,
    [property: Id(7)] int? SafetyStockBasis = null)
{
    /// <summary>Longest idempotency key: a UUID (36) or a client's own request id fits with room to spare.</summary>
    public const int MaxKeyLength = 100;

    /// <summary>
    /// 1 to <see cref="MaxKeyLength"/> printable ASCII characters (space to '~'). Keys are stored in the journal and
    /// logged, and they arrive in an HTTP header: anything else is a client's mistake, not a key.
    /// </summary>
    public static bool IsValidKey(string? key) =>
        key is { Length: > 0 and <= MaxKeyLength } && !key.AsSpan().ContainsAnyExceptInRange(' ', '~');
}
