namespace MultiStore.Grains.Interfaces.Stock;

/// <summary>A page of a stock entry's ledger, newest first.</summary>
/// <param name="NextBefore">Pass as <c>before</c> to read the next (older) page; null on the last page.</param>
[GenerateSerializer, Immutable, Alias("multistore.LedgerPage")]
public sealed record LedgerPage(
    [property: Id(0)] IReadOnlyList<LedgerEntry> Entries,
    [property: Id(1)] long? NextBefore);
