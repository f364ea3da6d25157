using MultiStore.Grains.Interfaces.Common;

namespace MultiStore.Grains.Interfaces.Stock;

/// <summary>
/// How a stock entry judges an absolute count (<see cref="StockAdjustment.SetOnHand"/>) against its numbers, as functions
/// of those numbers alone. The entry decides with them when it applies a count; a catalog import's dry run asks them
/// about a level it read, so it reports what the import would refuse, with the same code and message, and writes nothing.
/// </summary>
public static class StockCountRules
{
    /// <summary>
    /// One number read against <paramref name="basis"/> (see <see cref="StockAdjustment.OnHandBasis"/>): as it came while
    /// the entry still has the basis (or has the number already); the entry's <paramref name="current"/> value when that
    /// moved and the number is its basis unedited; refused with <see cref="RuleCodes.StockChanged"/> when it moved and the
    /// number was edited.
    /// </summary>
    public static int? OnCurrent(int? value, int? basis, int current, string what, string sku, string zone)
    {
        if (basis is not { } read || current == read || current == value)
        {
            return value;
        }

        if (value != read)
        {
            throw new StoreRuleException(
                RuleCodes.StockChanged,
                $"Stock of {sku} in {zone} changed since the count was read: {what} is now {current}, not {read}. Read it again and count from there.");
        }

        // Nobody edited the number that was read; the sales, returns or settings made since are real and stay as they are.
        return current;
    }

    /// <summary>The refusal of an on-hand that would leave fewer units than are reserved.</summary>
    public static StoreRuleException BelowReserved(int onHand, int reserved, string sku, string zone) =>
        new(RuleCodes.OnHandBelowReserved, $"On-hand {onHand} would be below the {reserved} units currently reserved for {sku} in {zone}.");

    /// <summary>
    /// What the entry at <paramref name="level"/> would refuse <paramref name="count"/> with, or null when it would apply
    /// it: a basis the entry has moved from (<see cref="RuleCodes.StockChanged"/>), or an on-hand below what is reserved
    /// (<see cref="RuleCodes.OnHandBelowReserved"/>). The count's own form (ranges, a reason) is not judged here.
    /// </summary>
    public static StoreRuleException? Refusal(StockLevel level, StockAdjustment count)
    {
        if (count.SetOnHand is null)
        {
            return null;
        }

        try
        {
            // Both numbers are held to their basis before either applies, as in the entry.
            var onHand = OnCurrent(count.SetOnHand, count.OnHandBasis, level.OnHand, "on hand", level.Sku, level.Zone)!.Value;
            OnCurrent(count.SafetyStock, count.SafetyStockBasis, level.SafetyStock, "safety stock", level.Sku, level.Zone);
            return onHand < level.Reserved ? BelowReserved(onHand, level.Reserved, level.Sku, level.Zone) : null;
        }
        catch (StoreRuleException refusal)
        {
            return refusal;
        }
    }
}
