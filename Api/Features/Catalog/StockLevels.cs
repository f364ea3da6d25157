using System.Runtime.ExceptionServices;
using MultiStore.Api.Problems;
using MultiStore.Api.Tenancy;
using MultiStore.Grains.Interfaces.Common;
using MultiStore.Grains.Interfaces.Stock;

namespace MultiStore.Api.Features.Catalog;

/// <summary>One absolute stock count to apply: a SKU's on-hand (and optionally safety stock) in a zone.</summary>
/// <param name="OnHandBasis">The on-hand the count was made against, if known (see <see cref="StockAdjustment.OnHandBasis"/>).</param>
/// <param name="SafetyStockBasis">The safety stock it was read against, if known (see <see cref="StockAdjustment.SafetyStockBasis"/>).</param>
public sealed record StockCount(string Sku, string Zone, int OnHand, int? SafetyStock, int Row = 0, int? OnHandBasis = null, int? SafetyStockBasis = null);

/// <summary>A stock count that could not be applied, and why.</summary>
public sealed record StockCountFailure(StockCount Count, string Code, string Message);

/// <summary>What became of a run of counts: every count was tried; these were refused, and these met an unavailable cluster.</summary>
public sealed record StockCountOutcome(IReadOnlyList<StockCountFailure> Refused, IReadOnlyList<(StockCount Count, Exception Failure)> Unavailable)
{
    /// <summary>The refusals, for callers that want all or nothing of the rest: a count that met an unavailable cluster is rethrown (503 at the Api).</summary>
    public IReadOnlyList<StockCountFailure> RefusedOrThrow()
    {
        if (Unavailable.Count > 0)
        {
            ExceptionDispatchInfo.Throw(Unavailable[0].Failure);
        }

        return Refused;
    }
}

/// <summary>
/// Applies absolute stock counts the way <c>PUT /admin/stock/{sku}/{zone}</c> does (set on-hand, then record the zone
/// in the SKU's index), many entries at a time. Counts are absolute, so applying the same counts again is harmless:
/// an import or onboarding interrupted half-way is completed by running it again. A count with a basis is compared
/// with the entry's on-hand in the entry itself (a safety stock with a basis likewise); one overtaken by a sale is a
/// failure (<see cref="RuleCodes.StockChanged"/>). A count that meets an unavailable cluster
/// (<see cref="ClusterUnavailable"/>) stops the counts not yet started, which are not tried (each would wait for the
/// same outage) but reported with it, so the caller can tell exactly which counts are in and which to send again.
/// </summary>
public static class StockLevels
{
    /// <summary>Entries written at once: enough to keep a cluster busy, few enough not to flood one silo.</summary>
    public const int Parallelism = 32;

    /// <param name="onlyWhereNeverStocked">Leaves entries stocked already as they are (see <see cref="StockAdjustment.OnlyIfNeverStocked"/>).</param>
    public static async Task<StockCountOutcome> ApplyAsync(
        TenantGrains grains, IReadOnlyList<StockCount> counts, string reason, CancellationToken ct, bool onlyWhereNeverStocked = false)
    {
        var failures = new List<StockCountFailure>();
        var unavailable = new List<(StockCount Count, Exception Failure)>();
        Exception? outage = null;
        await Parallel.ForEachAsync(counts, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (count, _) =>
        {
            if (Volatile.Read(ref outage) is { } seen)
            {
                lock (unavailable)
                {
                    unavailable.Add((count, seen));
                }

                return;
            }

            try
            {
                // As PUT /admin/stock does: a zone beyond the SKU's cap is refused before its entry is stocked, even
                // when other counts of the same SKU run at the same time.
                await grains.Sku(count.Sku).AdjustZoneAsync(count.Zone, new StockAdjustment(
                    null, count.OnHand, count.SafetyStock, reason, OnlyIfNeverStocked: onlyWhereNeverStocked, OnHandBasis: count.OnHandBasis, SafetyStockBasis: count.SafetyStockBasis));
            }
            catch (StoreRuleException refusal)
            {
                lock (failures)
                {
                    failures.Add(new StockCountFailure(count, refusal.Code, refusal.Message));
                }
            }
            catch (Exception failure) when (ClusterUnavailable.CauseOf(failure) is not null)
            {
                Interlocked.CompareExchange(ref outage, failure, null);
                lock (unavailable)
                {
                    unavailable.Add((count, failure));
                }
            }
        });

        return new StockCountOutcome([.. failures.OrderBy(failure => failure.Count.Row)], [.. unavailable.OrderBy(failure => failure.Count.Row)]);
    }

    /// <summary>
    /// The counts that <see cref="ApplyAsync"/> would refuse now, found without writing: each entry's level is read and
    /// the count held to it by the entry's own rules (<see cref="StockCountRules"/>), so the code and message are the
    /// ones the import would give. A snapshot: a sale between this and the import can still refuse a count then. A
    /// SKU's zone cap is decided only as a zone is listed, so a 51st zone is refused by the import alone.
    /// </summary>
    public static async Task<IReadOnlyList<StockCountFailure>> CheckAsync(
        TenantGrains grains, IReadOnlyList<StockCount> counts, string reason, CancellationToken ct)
    {
        var failures = new List<StockCountFailure>();
        await Parallel.ForEachAsync(counts, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = ct }, async (count, _) =>
        {
            var level = await grains.Stock(count.Sku, count.Zone).GetAsync();
            var adjustment = new StockAdjustment(null, count.OnHand, count.SafetyStock, reason, OnHandBasis: count.OnHandBasis, SafetyStockBasis: count.SafetyStockBasis);
            if (StockCountRules.Refusal(level, adjustment) is { } refusal)
            {
                lock (failures)
                {
                    failures.Add(new StockCountFailure(count, refusal.Code, refusal.Message));
                }
            }
        });

        return [.. failures.OrderBy(failure => failure.Count.Row)];
    }
}
