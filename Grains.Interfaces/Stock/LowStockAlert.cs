namespace MultiStore.Grains.Interfaces.Stock;

/// <summary>A stock entry's available units fell to or below its reorder point.</summary>
/// <param name="Number">
/// The alert's number in its stock entry (1, 2, … per SKU and zone, never reused): two alerts of one entry may share
/// every other field. 0 when raised by a build before alerts were numbered.
/// </param>
/// <param name="DroppedBefore">
/// How many of its alerts the entry had dropped unacknowledged (it keeps the newest 20 waiting for the store) when it
/// sent this one: the store counts them per entry. Not part of the alert's identity (<see cref="IsSameAlert"/>).
/// </param>
[GenerateSerializer, Immutable, Alias("multistore.LowStockAlert")]
public sealed record LowStockAlert(
    [property: Id(0)] string Sku,
    [property: Id(1)] string Zone,
    [property: Id(2)] int Available,
    [property: Id(3)] int ReorderPoint,
    [property: Id(4)] DateTimeOffset At,
    [property: Id(5)] long Number = 0,
    [property: Id(6)] long DroppedBefore = 0)
{
    /// <summary>
    /// Whether <paramref name="other"/> is this alert raised again. An alert stored before numbers (0) is the same as
    /// its entry's numbered raise of it after an upgrade, which numbers the alerts it still waits on as it loads them.
    /// </summary>
    public bool IsSameAlert(LowStockAlert other) =>
        (Sku, Zone, Available, ReorderPoint, At) == (other.Sku, other.Zone, other.Available, other.ReorderPoint, other.At)
        && (Number == other.Number || Number == 0 || other.Number == 0);
}
