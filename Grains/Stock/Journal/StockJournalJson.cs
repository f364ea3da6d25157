using System.Text.Json;
using System.Text.Json.Serialization;

namespace MultiStore.Grains.Stock.Journal;

/// <summary>
/// The journal's JSON, generated at compile time: the writer thread serializes every change of every entry, and the
/// generated writer neither reflects nor allocates a frame stack per batch. Web defaults (camelCase, enums as
/// numbers); empty fields are left out: a hold is half the JSON a full record would be, which the silo writes and
/// PostgreSQL parses and stores, for every change. Reading fills them back in from the record's defaults (null and 0).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IReadOnlyList<StockChange>))]
[JsonSerializable(typeof(StockSnapshot))]
internal sealed partial class StockJournalJson : JsonSerializerContext;
