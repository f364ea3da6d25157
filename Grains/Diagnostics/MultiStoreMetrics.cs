using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace MultiStore.Grains.Diagnostics;

/// <summary>
/// MultiStore's own instruments, on the meter <see cref="MeterName"/>. Hosts export them (with Orleans' meter
/// <see cref="OrleansMeterName"/>) as Prometheus text on <c>/metrics</c>; names there are the instrument names with
/// dots as underscores, e.g. <c>multistore_stock_reservations_total</c>. The stock instruments carry no store tag:
/// a store count in the thousands would multiply every series by it. Per-store rates come from the Api's request
/// counter, whose store tag is bounded by the stores that really exist.
/// </summary>
public static class MultiStoreMetrics
{
    /// <summary>The name of the meter every MultiStore instrument belongs to.</summary>
    public const string MeterName = "MultiStore";

    /// <summary>The meter Orleans publishes its runtime instruments on (activations, messaging, membership...).</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>The meter shared by every MultiStore instrument, in grains and in the Api.</summary>
    public static readonly Meter Meter = new(MeterName);

    /// <summary>Instruments of the stock entries and their PostgreSQL journal.</summary>
    public static class Stock
    {
        /// <summary>Reservations newly held and acknowledged (durable); retries of a held reservation are not counted again.</summary>
        public static readonly Counter<long> Reservations = Meter.CreateCounter<long>(
            "multistore.stock.reservations", "{reservation}", "Reservations held and acknowledged (durable).");

        /// <summary>Reservation requests answered "insufficient stock" (from memory, without a write).</summary>
        public static readonly Counter<long> SoldOut = Meter.CreateCounter<long>(
            "multistore.stock.sold_out", "{answer}", "Reservation requests answered insufficient-stock.");

        /// <summary>Holds released because their time was up.</summary>
        public static readonly Counter<long> Expiries = Meter.CreateCounter<long>(
            "multistore.stock.expiries", "{reservation}", "Holds expired and their units returned.");

        /// <summary>Changes per journal batch of one stock entry: how many callers one durable write answers.</summary>
        public static readonly Histogram<int> GroupCommitSize = Meter.CreateHistogram(
            "multistore.stock.group_commit.size", "{change}", "Changes of one stock entry committed by one journal batch.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024] });

        /// <summary>Stock-entry batches per PostgreSQL transaction (the writer batches across entries of a silo).</summary>
        public static readonly Histogram<int> JournalTransactionSize = Meter.CreateHistogram(
            "multistore.stock.journal.transaction.size", "{batch}", "Stock-entry batches written by one PostgreSQL transaction.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });

        /// <summary>Time of one journal transaction, from the statement to PostgreSQL's commit; tag <c>outcome</c> = ok or error.</summary>
        public static readonly Histogram<double> JournalWriteDuration = Meter.CreateHistogram(
            "multistore.stock.journal.write.duration", "s", "Duration of one stock journal transaction in PostgreSQL.",
            advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
            });

        /// <summary>Records one journal transaction: its size, the batch size of each entry in it and its duration.</summary>
        public static void RecordJournalWrite(IReadOnlyCollection<int> changesPerBatch, long startedTimestamp, bool succeeded)
        {
            var outcome = new KeyValuePair<string, object?>("outcome", succeeded ? "ok" : "error");
            JournalWriteDuration.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds, outcome);
            JournalTransactionSize.Record(changesPerBatch.Count, outcome);
            if (succeeded)
            {
                foreach (var changes in changesPerBatch)
                {
                    GroupCommitSize.Record(changes);
                }
            }
        }
    }
}
