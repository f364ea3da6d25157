using System.Globalization;

namespace MultiStore.Grains.Tests.Hosting;

/// <summary>
/// The silo's reminder table, in memory, that can hold the next removal of a row until the test releases it: the test
/// can then act while a grain is inside unregistering its reminder. Also answers whether a grain's reminder exists.
/// </summary>
public sealed class ProbeReminderTable : IReminderTable
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(GrainId Grain, string Name), ReminderEntry> _rows = [];
    private long _nextETag;
    private HeldStep? _nextRemoval;
    private int _removalsAnswered;

    /// <summary>How many removals have been answered, held ones included once released.</summary>
    public int RemovalsAnswered => Volatile.Read(ref _removalsAnswered);

    /// <summary>The next removal waits until released, then removes its row.</summary>
    public HeldStep HoldNextRemoval()
    {
        var held = new HeldStep();
        lock (_lock)
        {
            _nextRemoval = held;
        }

        return held;
    }

    public bool Has(GrainId grain, string name)
    {
        lock (_lock)
        {
            return _rows.ContainsKey((grain, name));
        }
    }

    public Task Init() => Task.CompletedTask;

    public Task<ReminderTableData> ReadRows(GrainId grainId) =>
        Task.FromResult(Rows(row => row.GrainId == grainId));

    // The range (begin, end] of the ring; when begin is not below end it wraps (and holds every hash when they meet).
    public Task<ReminderTableData> ReadRows(uint begin, uint end) =>
        Task.FromResult(Rows(row => row.GrainId.GetUniformHashCode() is var hash && (begin < end ? hash > begin && hash <= end : hash > begin || hash <= end)));

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName)
    {
        lock (_lock)
        {
            return Task.FromResult(_rows.GetValueOrDefault((grainId, reminderName)));
        }
    }

    public Task<string?> UpsertRow(ReminderEntry entry)
    {
        lock (_lock)
        {
            var etag = (++_nextETag).ToString(CultureInfo.InvariantCulture);
            _rows[(entry.GrainId, entry.ReminderName)] = new ReminderEntry
            {
                GrainId = entry.GrainId,
                ReminderName = entry.ReminderName,
                StartAt = entry.StartAt,
                Period = entry.Period,
                ETag = etag,
            };
            return Task.FromResult<string?>(etag);
        }
    }

    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag)
    {
        HeldStep? held;
        lock (_lock)
        {
            (held, _nextRemoval) = (_nextRemoval, null);
        }

        if (held is not null)
        {
            await held.ReachedAndWaitAsync();
        }

        try
        {
            lock (_lock)
            {
                return _rows.TryGetValue((grainId, reminderName), out var row) && row.ETag == eTag && _rows.Remove((grainId, reminderName));
            }
        }
        finally
        {
            Interlocked.Increment(ref _removalsAnswered);
        }
    }

    public Task TestOnlyClearTable()
    {
        lock (_lock)
        {
            _rows.Clear();
        }

        return Task.CompletedTask;
    }

    private ReminderTableData Rows(Func<ReminderEntry, bool> matches)
    {
        lock (_lock)
        {
            return new ReminderTableData(_rows.Values.Where(matches).ToList());
        }
    }
}
