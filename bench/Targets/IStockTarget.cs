using MultiStore.Bench.Measurement;

namespace MultiStore.Bench.Targets;

/// <summary>
/// One way of keeping stock (a MultiStore grain, the Api, a PostgreSQL row lock, a Redis script). A target lays
/// out "sales" — sets of stock entries with units each — and shoppers reserve one unit at a time in them.
/// </summary>
internal interface IStockTarget : IAsyncDisposable
{
    string Name { get; }

    /// <summary>
    /// Creates <paramref name="stores"/> × <paramref name="skusPerStore"/> fresh entries of <paramref name="units"/>
    /// each, under names that start with <paramref name="tag"/> (unique per run and level).
    /// </summary>
    Task<ISale> CreateSaleAsync(string tag, int stores, int skusPerStore, int units, CancellationToken cancellationToken);
}

/// <summary>The entries of one level or scenario, numbered 0..Entries-1 (store-major).</summary>
internal interface ISale
{
    int Entries { get; }

    /// <summary>Reserves one unit in <paramref name="entry"/> under a fresh id; answers whether it was acknowledged.</summary>
    ValueTask<CallResult> ReserveAsync(int entry, Shopper shopper);

    /// <summary>Confirms (a sale) or releases (units back) a reservation this sale acknowledged; true when it was held.</summary>
    ValueTask<bool> SettleAsync(int entry, string reservationId, bool confirm);

    /// <summary>Reads back, from the target's own durable store, what happened to this sale's entries.</summary>
    Task<DurableTally> ReadDurableAsync(CancellationToken cancellationToken);
}

/// <summary>A sale as its durable store tells it (units, all entries added up).</summary>
/// <param name="Reservations">Distinct reservations ever stored as held.</param>
/// <param name="Held">Units held right now.</param>
/// <param name="Confirmed">Reservations confirmed (sold for good).</param>
/// <param name="Released">Reservations released (units back to available).</param>
/// <param name="OnHand">Units on hand now (initial minus confirmed).</param>
internal sealed record DurableTally(long Reservations, long Held, long Confirmed, long Released, long OnHand);
