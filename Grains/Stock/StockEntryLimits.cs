namespace MultiStore.Grains.Stock;

/// <summary>
/// How much a stock entry remembers. Not configuration: an entry's replay must forget what the entry that wrote forgot,
/// so every silo of a cluster uses these. <c>AddMultiStoreGrains</c> registers the defaults; a test silo registers
/// smaller limits before it, to reach them in a few calls.
/// </summary>
public sealed class StockEntryLimits
{
    /// <summary>Most settled reservations an entry remembers (see <see cref="StockBook.MaxSettledReservations"/>).</summary>
    public int SettledReservations { get; init; } = StockBook.MaxSettledReservations;
}
