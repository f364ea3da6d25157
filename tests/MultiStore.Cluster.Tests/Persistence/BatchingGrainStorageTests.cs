using System.Text.Json;
using MultiStore.Cluster.Tests.Hosting;
using MultiStore.Grains.Persistence;
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
    public async Task ShoppingDataSource_PlansEveryStatementForItsOwnValues()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var shopping = Grains.Persistence.PostgresDataSource.Create(database.ConnectionString, customPlansOnly: true);
        await using var show = shopping.CreateCommand("SHOW plan_cache_mode");

        Assert.Equal("force_custom_plan", await show.ExecuteScalarAsync());
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
