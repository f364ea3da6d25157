using System.Text.Json;
using MultiStore.Cluster.Tests.Hosting;
using MultiStore.Grains.Persistence;
using Npgsql;
using Orleans.Storage;

namespace MultiStore.Cluster.Tests.Persistence;

/// <summary>
/// The batched storage of carts and orders against real PostgreSQL: many grains share a round trip, yet each write
/// is fenced on its own, exactly as the ADO.NET provider's rows are.
/// </summary>
public sealed class BatchingGrainStorageTests
{
    private const string State = "cart";

    [Fact]
    public async Task ManyConcurrentWrites_EachLandsAndReadsBack()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var storage = Storage(database);
        var carts = Enumerable.Range(0, 600).Select(i => (Id: Cart($"c-{i}"), State: new GrainState<Note>(new Note { Text = $"line {i}" }))).ToList();

        await Task.WhenAll(carts.Select(cart => storage.WriteStateAsync(State, cart.Id, cart.State)));

        Assert.All(carts, cart => Assert.Equal("1", cart.State.ETag));
        var readBack = carts.Select(cart => (cart.Id, State: new GrainState<Note>())).ToList();
        await Task.WhenAll(readBack.Select(cart => storage.ReadStateAsync(State, cart.Id, cart.State)));
        Assert.Equal(carts.Select(cart => cart.State.State!.Text), readBack.Select(cart => cart.State.State!.Text));
        Assert.All(readBack, cart => Assert.True(cart.State.RecordExists));
        // Rows as the ADO.NET provider lays them out: plain JSON, readable by SQL.
        Assert.Equal("line 7", await database.ScalarAsync<string>(
            "SELECT convert_from(payload, 'UTF8')::jsonb ->> 'Text' FROM multistore_grain_state WHERE grain_type = 'cart' AND grain_key = 'store-a/c-7'"));
    }

    [Fact]
    public async Task CreatesAndUpdatesSharingRoundTrips_EachHearsItsOwnVersion()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var storage = Storage(database);
        var existing = Enumerable.Range(0, 150).Select(i => (Id: Cart($"old-{i}"), State: new GrainState<Note>(new Note { Text = "v1" }))).ToList();
        await Task.WhenAll(existing.Select(cart => storage.WriteStateAsync(State, cart.Id, cart.State)));
        var stale = new GrainState<Note>(new Note { Text = "stale" }) { ETag = "1" };
        existing[0].State.State = new Note { Text = "v2 first" };
        await storage.WriteStateAsync(State, existing[0].Id, existing[0].State);
        var created = Enumerable.Range(0, 150).Select(i => (Id: Cart($"new-{i}"), State: new GrainState<Note>(new Note { Text = $"new {i}" }))).ToList();
        foreach (var cart in existing.Skip(1))
        {
            cart.State.State = new Note { Text = "v2" };
        }

        // Updates, creations and one stale update, all queued at once: they share round trips in any mix.
        var staleWrite = storage.WriteStateAsync(State, existing[0].Id, stale);
        await Task.WhenAll(existing.Skip(1).Concat(created).Select(cart => storage.WriteStateAsync(State, cart.Id, cart.State)));

        await Assert.ThrowsAsync<InconsistentStateException>(() => staleWrite);
        Assert.All(existing.Skip(1), cart => Assert.Equal("2", cart.State.ETag));
        Assert.All(created, cart => Assert.Equal("1", cart.State.ETag));
        Assert.Equal(300, await database.ScalarAsync<long>("SELECT count(*) FROM multistore_grain_state WHERE service_id = 'svc-batching'"));
        Assert.Equal("v2 first", await database.ScalarAsync<string>(
            "SELECT convert_from(payload, 'UTF8')::jsonb ->> 'Text' FROM multistore_grain_state WHERE grain_key = 'store-a/old-0'"));
    }

    [Fact]
    public async Task WriteSql_CreatingManyRows_NeverComparesEachRowWithEveryOther()
    {
        await using var database = await TestDatabase.CreateAsync();
        var keys = Enumerable.Range(1, 200).Select(n => $"store-a/new-{n}").ToArray();

        await using var explain = database.DataSource.CreateCommand($"EXPLAIN (FORMAT JSON) {BatchingGrainStorage.WriteSql}");
        explain.Parameters.AddWithValue("service", "svc-batching");
        explain.Parameters.AddWithValue("types", Enumerable.Repeat(State, keys.Length).ToArray());
        explain.Parameters.AddWithValue("keys", keys);
        explain.Parameters.AddWithValue("versions", new int?[keys.Length]);
        explain.Parameters.AddWithValue("payloads", Enumerable.Repeat(new byte[] { 0x7b, 0x7d }, keys.Length).ToArray());
        using var plan = JsonDocument.Parse((string)(await explain.ExecuteScalarAsync())!);

        // A join filter tests every pair of its two sides: with the group on both, the cost grows with its square.
        var pairwise = PlanNodes(plan.RootElement[0].GetProperty("Plan")).Where(node => node.TryGetProperty("Join Filter", out _)).ToList();
        Assert.True(pairwise.Count == 0, $"WriteSql joins by testing every pair: {string.Join(", ", pairwise)}");
    }

    [Fact]
    public async Task Write_AtAStaleVersion_IsRefusedAndChangesNothing()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var storage = Storage(database);
        var id = Cart("stale");
        var first = new GrainState<Note>(new Note { Text = "first" });
        await storage.WriteStateAsync(State, id, first);
        var stale = new GrainState<Note>();
        await storage.ReadStateAsync(State, id, stale);

        first.State = new Note { Text = "second" };
        await storage.WriteStateAsync(State, id, first);
        stale.State = new Note { Text = "from a stale activation" };

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync(State, id, stale));
        var stored = new GrainState<Note>();
        await storage.ReadStateAsync(State, id, stored);
        Assert.Equal(("second", "2"), (stored.State!.Text, stored.ETag));
    }

    [Fact]
    public async Task TwoActivationsCreatingTheSameRow_OnlyOneWins()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var storage = Storage(database);
        var id = Cart("twice");

        var attempts = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await storage.WriteStateAsync(State, id, new GrainState<Note>(new Note { Text = $"creator {i}" }));
                return true;
            }
            catch (InconsistentStateException)
            {
                return false;
            }
        }));

        Assert.Equal(1, attempts.Count(won => won));
        Assert.Equal(1L, await database.ScalarAsync<long>("SELECT count(*) FROM multistore_grain_state WHERE grain_key = 'store-a/twice'"));
    }

    [Fact]
    public async Task Clear_EmptiesTheRowAndMovesItsVersionOn()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var storage = Storage(database);
        var id = Cart("cleared");
        var state = new GrainState<Note>(new Note { Text = "to clear" });
        await storage.WriteStateAsync(State, id, state);

        await storage.ClearStateAsync(State, id, state);

        Assert.Equal(("2", false), (state.ETag, state.RecordExists));
        var stored = new GrainState<Note>();
        await storage.ReadStateAsync(State, id, stored);
        Assert.Equal((false, "2", (string?)null), (stored.RecordExists, stored.ETag, stored.State!.Text));
    }

    [Fact]
    public async Task RoundTrip_ThatFails_AcknowledgesNoWriteOfIt()
    {
        await using var database = await TestDatabase.CreateAsync();
        var storage = Storage(database);
        await database.DataSource.DisposeAsync();

        await Assert.ThrowsAnyAsync<Exception>(() => storage.WriteStateAsync(State, Cart("unreachable"), new GrainState<Note>(new Note { Text = "x" })));
        await storage.DisposeAsync();
    }

    [Fact]
    public async Task ShoppingDataSource_PlansEachStatementOnce_AndNeverScansATableWhole()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var shopping = PostgresDataSource.Create(database.ConnectionString, keyedLookupsOnly: true);
        await using var show = shopping.CreateCommand("SELECT current_setting('plan_cache_mode') || ' ' || current_setting('enable_seqscan')");

        Assert.Equal("force_generic_plan off", await show.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData(nameof(BatchingGrainStorage.ReadSql))]
    [InlineData(nameof(BatchingGrainStorage.WriteSql))]
    public async Task Statement_OnATableNeverAnalyzed_LooksUpEachKeyByItsPrimaryKey(string statement)
    {
        await using var database = await TestDatabase.CreateAsync();
        // Many rows of the service and no statistics yet, as in a new database's first minute: PostgreSQL then guesses
        // that the service holds one row, and a plain join hashed all of them for every round trip.
        await FillWithoutStatisticsAsync(database, rows: 100_000);

        await using var explain = database.DataSource.CreateCommand($"EXPLAIN (FORMAT JSON) {Sql(statement)}");
        explain.Parameters.AddWithValue("service", "svc-batching");
        explain.Parameters.AddWithValue("types", Enumerable.Repeat(State, PlannedKeys.Length).ToArray());
        explain.Parameters.AddWithValue("keys", PlannedKeys);
        explain.Parameters.AddWithValue("versions", Enumerable.Repeat<int?>(1, PlannedKeys.Length).ToArray());
        explain.Parameters.AddWithValue("payloads", Enumerable.Repeat(new byte[] { 0x7b, 0x7d }, PlannedKeys.Length).ToArray());

        AssertEveryScanIsKeyed(statement, (string)(await explain.ExecuteScalarAsync())!);
    }

    /// <summary>
    /// The plan the shopping pool settles on for every call (<see cref="PostgresDataSource.Create"/>) is made without
    /// the values, on whatever the table holds when a connection first runs the statement: it must still look each
    /// key up, on an empty table as on a large one without statistics.
    /// </summary>
    [Theory]
    [InlineData(nameof(BatchingGrainStorage.ReadSql), 0)]
    [InlineData(nameof(BatchingGrainStorage.ReadSql), 100_000)]
    [InlineData(nameof(BatchingGrainStorage.WriteSql), 0)]
    [InlineData(nameof(BatchingGrainStorage.WriteSql), 100_000)]
    public async Task GenericPlan_OfTheShoppingPool_LooksUpEachKeyByItsPrimaryKey(string statement, int rows)
    {
        await using var database = await TestDatabase.CreateAsync();
        await FillWithoutStatisticsAsync(database, rows);
        await using var shopping = PostgresDataSource.Create(database.ConnectionString, keyedLookupsOnly: true);
        await using var connection = await shopping.OpenConnectionAsync();
        // The statement's named parameters become PREPARE's positional ones, in the order of the types declared here.
        var positional = Sql(statement)
            .Replace("@service", "$1", StringComparison.Ordinal).Replace("@types", "$2", StringComparison.Ordinal)
            .Replace("@keys", "$3", StringComparison.Ordinal).Replace("@versions", "$4", StringComparison.Ordinal)
            .Replace("@payloads", "$5", StringComparison.Ordinal);
        await using (var prepare = new NpgsqlCommand($"PREPARE planned(text, text[], text[], int[], bytea[]) AS {positional}", connection))
        {
            await prepare.ExecuteNonQueryAsync();
        }

        // EXPLAIN EXECUTE takes no bound parameters: the values are written out (the keys are plain ASCII).
        var keys = string.Join(',', PlannedKeys);
        var count = PlannedKeys.Length;
        await using var explain = new NpgsqlCommand(
            $"EXPLAIN (FORMAT JSON) EXECUTE planned('svc-batching', array_fill('{State}'::text, ARRAY[{count}]), '{{{keys}}}'::text[], array_fill(1, ARRAY[{count}]), array_fill('\\x7b7d'::bytea, ARRAY[{count}]))",
            connection);
        var explained = (string)(await explain.ExecuteScalarAsync())!;
        // Planned without the values: the service is still the parameter, not 'svc-batching'.
        Assert.Contains("= $1)", explained, StringComparison.Ordinal);
        AssertEveryScanIsKeyed(statement, explained);
    }

    private static readonly string[] PlannedKeys = [.. Enumerable.Range(1, 128).Select(n => $"store-a/c-{n * 700}")];

    private static string Sql(string statement) =>
        statement == nameof(BatchingGrainStorage.ReadSql) ? BatchingGrainStorage.ReadSql : BatchingGrainStorage.WriteSql;

    private static async Task FillWithoutStatisticsAsync(TestDatabase database, int rows)
    {
        await database.ScalarAsync<object>("ALTER TABLE multistore_grain_state SET (autovacuum_enabled = false)");
        await database.ScalarAsync<object>(
            $$"""
            INSERT INTO multistore_grain_state (service_id, grain_type, grain_key, grain_n0, grain_n1, payload, version)
            SELECT 'svc-batching', 'cart', 'store-a/c-' || n, 0, 0, convert_to('{"Text":"x"}', 'UTF8'), 1
            FROM generate_series(1, {{rows}}) AS n
            """);
    }

    private static void AssertEveryScanIsKeyed(string statement, string explained)
    {
        using var plan = JsonDocument.Parse(explained);
        var scans = PlanNodes(plan.RootElement[0].GetProperty("Plan"))
            .Where(node => node.TryGetProperty("Relation Name", out var table) && table.GetString() == "multistore_grain_state")
            .ToList();
        Assert.NotEmpty(scans);
        Assert.All(scans, scan =>
        {
            var how = scan.GetProperty("Node Type").GetString();
            // By row id (after the key lookup that found it), or through the index on every key column.
            Assert.True(
                how == "Tid Scan" || how == "ModifyTable"
                || (how is "Index Scan" or "Index Only Scan" && scan.GetProperty("Index Cond").GetString()!.Contains("grain_key", StringComparison.Ordinal)),
                $"{statement} scans multistore_grain_state by '{how}': {scan}");
        });
    }

    private static IEnumerable<JsonElement> PlanNodes(JsonElement node)
    {
        yield return node;
        if (node.TryGetProperty("Plans", out var children))
        {
            foreach (var child in children.EnumerateArray().SelectMany(PlanNodes))
            {
                yield return child;
            }
        }
    }

    private static BatchingGrainStorage Storage(TestDatabase database) => new(database.DataSource, "svc-batching", new JsonSerializerForTests());

    private static GrainId Cart(string id) => GrainId.Create("cart", $"store-a/{id}");

    /// <summary>A state type as grains have them: a parameterless constructor (a missing row reads as a fresh one).</summary>
    public sealed record Note
    {
        public string? Text { get; init; }
    }

    /// <summary>Plain System.Text.Json, as the silos store state.</summary>
    private sealed class JsonSerializerForTests : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => new(JsonSerializer.SerializeToUtf8Bytes(input));

        public T Deserialize<T>(BinaryData input) => input.ToObjectFromJson<T>()!;
    }
}
