using MultiStore.Bench.Measurement;
using MultiStore.Grains.Interfaces.Stock;
using MultiStore.Grains.Interfaces.Tenancy;
using Npgsql;

namespace MultiStore.Bench.Targets;

/// <summary>
/// MultiStore's stock grains through an Orleans client of the durable cluster. Reservations go through
/// <see cref="ReservationCoalescer"/>, as the silo's carts send them: shoppers asking one entry at once share a call.
/// What it stored is read back from the stock journal in PostgreSQL (<see cref="JournalTally"/>), not from the
/// grains' memory.
/// </summary>
internal sealed class GrainTarget(IClusterClient client, JournalTally journal) : IStockTarget
{
    public const string Zone = "main";
    public const string Actor = "bench";
    public static readonly TimeSpan Hold = TimeSpan.FromMinutes(15);

    public string Name => Target.Grain;

    public async Task<ISale> CreateSaleAsync(string tag, int stores, int skusPerStore, int units, CancellationToken cancellationToken)
    {
        var sale = new GrainSale(client, journal, tag, stores, skusPerStore);
        await sale.StockAsync(units, cancellationToken);
        return sale;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Entry names shared with the http target, which reaches the same grains through the Api.</summary>
    public static string Sku(int skusPerStore, int sku) => skusPerStore == 1 ? "FLASH" : $"SKU-{sku:D3}";
}

internal sealed class GrainSale : ISale
{
    private readonly IClusterClient _client;
    private readonly JournalTally _journal;
    private readonly ReservationCoalescer _reservations = new();
    private readonly string _tag;
    private readonly TenantId[] _tenants;
    private readonly IStockGrain[] _grains;
    private readonly int _skusPerStore;

    public GrainSale(IClusterClient client, JournalTally journal, string tag, int stores, int skusPerStore)
    {
        _client = client;
        _journal = journal;
        _tag = tag;
        _skusPerStore = skusPerStore;
        _tenants = [.. Enumerable.Range(0, stores).Select(store => TenantId.Parse($"{tag}-{store}"))];
        _grains = new IStockGrain[stores * skusPerStore];
        for (var entry = 0; entry < _grains.Length; entry++)
        {
            _grains[entry] = client.GetGrain<IStockGrain>(
                TenantKey.For(TenantOf(entry), StockEntryId.Format(GrainTarget.Sku(skusPerStore, entry % skusPerStore), GrainTarget.Zone)));
        }
    }

    public int Entries => _grains.Length;

    public IReadOnlyList<TenantId> Tenants => _tenants;

    public TenantId TenantOf(int entry) => _tenants[entry / _skusPerStore];

    public string SkuOf(int entry) => GrainTarget.Sku(_skusPerStore, entry % _skusPerStore);

    /// <summary>Sets every entry's on-hand (one journal write each, batched across entries by the silo).</summary>
    public async Task StockAsync(int units, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(
            Enumerable.Range(0, _grains.Length),
            new ParallelOptions { MaxDegreeOfParallelism = 512, CancellationToken = cancellationToken },
            async (entry, _) =>
            {
                using var scope = TenantContext.ForTenant(TenantOf(entry), GrainTarget.Actor);
                await _grains[entry].AdjustAsync(new StockAdjustment(null, units, 0, "bench stock"));
            });
    }

    public async ValueTask<CallResult> ReserveAsync(int entry, Shopper shopper)
    {
        var id = shopper.NextId();
        using var scope = TenantContext.ForTenant(TenantOf(entry), GrainTarget.Actor);
        var result = await _reservations.ReserveAsync(_grains[entry], id, 1, GrainTarget.Hold);
        return result.Status switch
        {
            ReservationStatus.Reserved => new CallResult(Outcome.Reserved, entry, id),
            ReservationStatus.InsufficientStock => new CallResult(Outcome.SoldOut, entry),
            var other => new CallResult(Outcome.Error, entry, Error: $"status {other}"),
        };
    }

    public async ValueTask<bool> SettleAsync(int entry, string reservationId, bool confirm)
    {
        using var scope = TenantContext.ForTenant(TenantOf(entry), GrainTarget.Actor);
        var grain = _grains[entry];
        var result = confirm ? await grain.ConfirmAsync(reservationId) : await grain.ReleaseAsync(reservationId);
        return result.Status is ReservationStatus.Confirmed or ReservationStatus.Released or ReservationStatus.Unknown;
    }

    public Task<DurableTally> ReadDurableAsync(CancellationToken cancellationToken) => _journal.ReadAsync(_tag, cancellationToken);

    /// <summary>The grain of an entry, for the sold-out phase and settling the http target's reservations.</summary>
    public IStockGrain GrainOf(int entry) => _grains[entry];

    public IClusterClient Client => _client;
}

/// <summary>
/// Adds up a sale's stock journal in PostgreSQL: holds (distinct reservation ids), settlements by outcome, and the
/// on-hand of each entry's last ledger line. The JSON is the journal's own (System.Text.Json web defaults).
/// </summary>
internal sealed class JournalTally(NpgsqlDataSource dataSource, string serviceId)
{
    public async Task<DurableTally> ReadAsync(string tag, CancellationToken cancellationToken)
    {
        var prefix = tag + "-%";
        await using var changes = dataSource.CreateCommand(
            """
            SELECT
              count(DISTINCT b.stream || ' ' || (x->>'reservationId')) FILTER (WHERE (x->>'kind')::int = 1),
              count(*) FILTER (WHERE (x->>'kind')::int = 2 AND (x->>'outcome')::int = 1),
              count(*) FILTER (WHERE (x->>'kind')::int = 2 AND (x->>'outcome')::int = 2),
              count(*) FILTER (WHERE (x->>'kind')::int = 2)
            FROM multistore_stock_batches b CROSS JOIN LATERAL jsonb_array_elements(b.changes::jsonb) x
            WHERE b.service_id = $1 AND b.stream LIKE $2
            """);
        changes.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        changes.Parameters.Add(new NpgsqlParameter<string> { TypedValue = prefix });
        changes.CommandTimeout = 300;
        long holds, confirmed, released, settled;
        await using (var reader = await changes.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            (holds, confirmed, released, settled) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        }

        await using var onHand = dataSource.CreateCommand(
            """
            SELECT coalesce(sum(on_hand_after), 0)::bigint FROM (
              SELECT DISTINCT ON (stream) on_hand_after FROM multistore_stock_ledger
              WHERE service_id = $1 AND stream LIKE $2 ORDER BY stream, sequence DESC) last
            """);
        onHand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = serviceId });
        onHand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = prefix });
        onHand.CommandTimeout = 300;
        var units = (long)(await onHand.ExecuteScalarAsync(cancellationToken))!;

        // Every hold in the bench is one unit, so units held = holds that were never settled.
        return new DurableTally(holds, holds - settled, confirmed, released, units);
    }
}
