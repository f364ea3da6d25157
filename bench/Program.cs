using MultiStore.Bench;
using MultiStore.Bench.Hosting;
using MultiStore.Bench.Reporting;

// A load test, not a micro-benchmark: closed-loop shoppers against MultiStore and the usual alternatives, one run,
// one machine, the same PostgreSQL and Redis. `--help` lists the options; README "Benchmark" explains the figures.
if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (FormatException error)
{
    Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    return await BenchRun.RunAsync(options, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
    Console.Error.WriteLine("bench: cancelled");
    return 130;
}
