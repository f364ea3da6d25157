using MultiStore.Bench.Measurement;
using StackExchange.Redis;

namespace MultiStore.Bench.Targets;

/// <summary>
/// The Redis design: one Lua script per reservation checks what is available, records the reservation (a hash field
/// plus its expiry in a sorted set, so something can find expired holds) and decrements — atomically, as Redis runs
/// scripts one at a time. Durable only with <c>appendfsync always</c> (checked and reported at start).
/// </summary>
internal sealed class RedisLuaTarget(ConnectionMultiplexer redis) : IStockTarget
{
    private const string ReserveScript = """
        local available = tonumber(redis.call('HGET', KEYS[1], 'available') or '-1')
        local quantity = tonumber(ARGV[2])
        if available < quantity then return -1 end
        if redis.call('HSETNX', KEYS[2], ARGV[1], quantity) == 0 then return -2 end
        redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
        redis.call('HINCRBY', KEYS[1], 'available', -quantity)
        return available - quantity
        """;

    private const string SettleScript = """
        local quantity = tonumber(redis.call('HGET', KEYS[2], ARGV[1]))
        if not quantity then return 0 end
        redis.call('HDEL', KEYS[2], ARGV[1])
        redis.call('ZREM', KEYS[3], ARGV[1])
        if ARGV[2] == '1' then
          redis.call('HINCRBY', KEYS[1], 'onhand', -quantity)
          redis.call('HINCRBY', KEYS[1], 'confirmed', 1)
        else
          redis.call('HINCRBY', KEYS[1], 'available', quantity)
          redis.call('HINCRBY', KEYS[1], 'released', 1)
        end
        return 1
        """;

    public string Name => Target.RedisLua;

    /// <summary>The server's <c>appendfsync</c> setting (the durability this target runs at).</summary>
    public async Task<string> AppendFsyncAsync()
    {
        var server = redis.GetServers()[0];
        var settings = await server.ConfigGetAsync("appendfsync");
        var appendOnly = await server.ConfigGetAsync("appendonly");
        return $"appendonly {appendOnly.FirstOrDefault().Value ?? "?"}, appendfsync {settings.FirstOrDefault().Value ?? "?"}";
    }

    public async Task<ISale> CreateSaleAsync(string tag, int stores, int skusPerStore, int units, CancellationToken cancellationToken)
    {
        var sale = new Sale(redis.GetDatabase(), tag, stores * skusPerStore);
        await sale.StockAsync(units);
        return sale;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private sealed class Sale(IDatabase db, string tag, int entries) : ISale
    {
        private static readonly TimeSpan Hold = TimeSpan.FromMinutes(15);
        private readonly RedisKey[][] _keys = [.. Enumerable.Range(0, entries).Select(entry => new RedisKey[]
        {
            // One hash tag per entry keeps its three keys in one slot, as Redis Cluster would need.
            $"bench:{{{tag}:{entry}}}:stock", $"bench:{{{tag}:{entry}}}:held", $"bench:{{{tag}:{entry}}}:expiries",
        })];

        public int Entries => entries;

        public async Task StockAsync(int units)
        {
            var writes = _keys.Select(keys => db.HashSetAsync(keys[0], [new("available", units), new("onhand", units), new("confirmed", 0), new("released", 0)]));
            await Task.WhenAll(writes);
        }

        public async ValueTask<CallResult> ReserveAsync(int entry, Shopper shopper)
        {
            var id = shopper.NextId();
            var expiresAt = DateTimeOffset.UtcNow.Add(Hold).ToUnixTimeMilliseconds();
            var left = (long)await db.ScriptEvaluateAsync(ReserveScript, _keys[entry], [id, 1, expiresAt]);
            return left switch
            {
                >= 0 => new CallResult(Outcome.Reserved, entry, id),
                -1 => new CallResult(Outcome.SoldOut, entry),
                _ => new CallResult(Outcome.Error, entry, Error: $"script answered {left}"),
            };
        }

        public async ValueTask<bool> SettleAsync(int entry, string reservationId, bool confirm) =>
            (long)await db.ScriptEvaluateAsync(SettleScript, _keys[entry], [reservationId, confirm ? "1" : "0"]) == 1;

        public async Task<DurableTally> ReadDurableAsync(CancellationToken cancellationToken)
        {
            long held = 0, confirmed = 0, released = 0, onHand = 0;
            foreach (var keys in _keys)
            {
                var stock = (await db.HashGetAllAsync(keys[0])).ToDictionary(e => e.Name.ToString(), e => (long)e.Value);
                held += await db.HashLengthAsync(keys[1]);
                confirmed += stock["confirmed"];
                released += stock["released"];
                onHand += stock["onhand"];
            }

            // Each reservation is one unit: ever reserved = still held + settled either way.
            return new DurableTally(held + confirmed + released, held, confirmed, released, onHand);
        }
    }
}
